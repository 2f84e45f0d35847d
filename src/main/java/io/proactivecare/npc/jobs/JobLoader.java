package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a job file before anything runs. Refused, naming the step: unknown keys,
 * unknown step kinds or options, needs naming an unknown step, cycles, outputs without a
 * sensitivity, the same output declared by two steps, and a schedule whose cron expression or time
 * zone is not valid.
 *
 * <pre>
 * job: nightly
 * description: ...
 * schedule: {cron: "30 2 * * *", timezone: Europe/London}
 * steps:
 *   ingest:
 *     run: ingest
 *     outputs:
 *       patient_level: [conformed/*, quarantine]
 *   frailty:
 *     run: frailty
 *     needs: [ingest]
 *     outputs:
 *       patient_level: [frailty/efi]
 * </pre>
 */
public final class JobLoader {
  private JobLoader() {}

  public static JobSpec load(Path file, StepRegistry registry) {
    return parse(YamlNode.read(file), registry);
  }

  static JobSpec parse(YamlNode n, StepRegistry registry) {
    String src = n.source();
    n.rejectUnknown(Set.of("job", "description", "schedule", "steps"));
    String name = n.string("job");
    YamlNode steps = n.child("steps");
    if (steps.keys().isEmpty()) {
      throw Errors.config(src, "steps", "the job has no steps", "add at least one step");
    }
    Map<String, JobSpec.StepSpec> byName = new LinkedHashMap<>();
    Map<String, String> outputOwner = new HashMap<>();
    for (String stepName : steps.keys()) {
      if (!stepName.matches("[a-z][a-z0-9_-]*")) {
        throw Errors.config(
            src,
            "steps." + stepName,
            "step names are lower case letters, digits, - and _",
            "rename the step");
      }
      YamlNode s = steps.child(stepName).rejectUnknown(Set.of("run", "needs", "with", "outputs"));
      String kindName = s.string("run");
      StepKind kind =
          registry
              .kind(kindName)
              .orElseThrow(
                  () ->
                      Errors.config(
                          src,
                          s.keyOf("run"),
                          "unknown step kind '" + kindName + "' in step '" + stepName + "'",
                          "known kinds: " + String.join(", ", registry.names())));
      YamlNode with = s.child("with").rejectUnknown(kind.options());
      Step step = kind.create(with);
      List<JobSpec.OutputSpec> outputs = new ArrayList<>();
      YamlNode out = s.child("outputs").rejectUnknown(Set.of("patient_level", "aggregate"));
      for (String label : out.keys()) {
        Sensitivity sensitivity = Sensitivity.ofLabel(label).orElseThrow();
        for (String pattern : out.stringList(label)) {
          if (!pattern.matches("([a-z0-9_-]+|\\*)(/([a-z0-9_-]+|\\*))*")) {
            throw Errors.config(
                src,
                out.keyOf(label),
                "output '" + pattern + "' of step '" + stepName + "' is not a valid name",
                "use lower-case path segments such as conformed/gp_events; '*' stands for one whole segment");
          }
          String previous = outputOwner.putIfAbsent(pattern, stepName);
          if (previous != null) {
            throw Errors.config(
                src,
                out.keyOf(label),
                "output '"
                    + pattern
                    + "' of step '"
                    + stepName
                    + "' is also declared by step '"
                    + previous
                    + "'",
                "each output is written by one step");
          }
          outputs.add(new JobSpec.OutputSpec(pattern, sensitivity));
        }
      }
      if (outputs.isEmpty()) {
        throw Errors.config(
            src,
            s.keyOf("outputs"),
            "step '" + stepName + "' declares no outputs",
            "list them under outputs.patient_level or outputs.aggregate");
      }
      byName.put(
          stepName, new JobSpec.StepSpec(stepName, kindName, s.stringList("needs"), step, outputs));
    }
    checkOverlaps(src, byName);
    for (JobSpec.StepSpec s : byName.values()) {
      for (String need : s.needs()) {
        if (!byName.containsKey(need)) {
          throw Errors.config(
              src,
              "steps." + s.name() + ".needs",
              "step '" + s.name() + "' needs unknown step '" + need + "'",
              "steps are: " + String.join(", ", byName.keySet()));
        }
        if (need.equals(s.name())) {
          throw Errors.config(
              src,
              "steps." + s.name() + ".needs",
              "step '" + s.name() + "' needs itself",
              "remove it from needs");
        }
      }
    }
    List<JobSpec.StepSpec> ordered = order(src, byName);
    JobGraph.checkReads(src, ordered);
    return new JobSpec(name, n.optionalString("description").orElse(""), src, ordered, schedule(n));
  }

  /**
   * {@code schedule: {cron: "30 2 * * *", timezone: Europe/London}}: both keys, a five-field cron
   * expression and a time zone by its IANA name (what systemd and Kubernetes take).
   */
  private static Optional<JobSpec.Schedule> schedule(YamlNode n) {
    if (!n.has("schedule")) {
      return Optional.empty();
    }
    YamlNode s = n.child("schedule").rejectUnknown(Set.of("cron", "timezone"));
    String text = s.string("cron");
    Cron cron;
    try {
      cron = Cron.parse(text);
    } catch (IllegalArgumentException e) {
      throw Errors.config(
          n.source(), s.keyOf("cron"), e.getMessage(), "see docs/operations.md, \"Scheduling\"");
    }
    String zone = s.string("timezone");
    if (!ZoneId.getAvailableZoneIds().contains(zone)) {
      throw Errors.config(
          n.source(),
          s.keyOf("timezone"),
          "'" + zone + "' is not a time zone",
          "give its IANA name, e.g. Europe/London or UTC");
    }
    return Optional.of(new JobSpec.Schedule(cron, ZoneId.of(zone)));
  }

  /**
   * No name may match outputs of two steps. With '*' standing for one whole segment, two patterns
   * overlap exactly when they have as many segments and each pair of segments is equal or a '*'.
   */
  private static void checkOverlaps(String src, Map<String, JobSpec.StepSpec> steps) {
    List<JobSpec.StepSpec> list = new ArrayList<>(steps.values());
    for (int i = 0; i < list.size(); i++) {
      for (int j = i + 1; j < list.size(); j++) {
        JobSpec.StepSpec a = list.get(i);
        JobSpec.StepSpec b = list.get(j);
        for (JobSpec.OutputSpec pa : a.outputs()) {
          for (JobSpec.OutputSpec pb : b.outputs()) {
            if (overlap(pa.pattern(), pb.pattern())) {
              throw Errors.config(
                  src,
                  "steps." + b.name() + ".outputs",
                  "output '"
                      + pb.pattern()
                      + "' of step '"
                      + b.name()
                      + "' overlaps output '"
                      + pa.pattern()
                      + "' of step '"
                      + a.name()
                      + "'",
                  "each output is written by one step");
            }
          }
        }
      }
    }
  }

  static boolean overlap(String a, String b) {
    String[] sa = a.split("/");
    String[] sb = b.split("/");
    if (sa.length != sb.length) {
      return false;
    }
    for (int k = 0; k < sa.length; k++) {
      if (!sa[k].equals(sb[k]) && !sa[k].equals("*") && !sb[k].equals("*")) {
        return false;
      }
    }
    return true;
  }

  /** Steps in an order where each follows its needs; file order breaks ties. Refuses cycles. */
  private static List<JobSpec.StepSpec> order(String src, Map<String, JobSpec.StepSpec> steps) {
    List<JobSpec.StepSpec> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> visiting = new HashSet<>();
    for (String name : steps.keySet()) {
      visit(src, name, steps, done, visiting, new ArrayDeque<>(), out);
    }
    return out;
  }

  private static void visit(
      String src,
      String name,
      Map<String, JobSpec.StepSpec> steps,
      Set<String> done,
      Set<String> visiting,
      Deque<String> path,
      List<JobSpec.StepSpec> out) {
    if (done.contains(name)) {
      return;
    }
    path.addLast(name);
    if (!visiting.add(name)) {
      List<String> cycle = new ArrayList<>(path);
      cycle = cycle.subList(cycle.indexOf(name), cycle.size());
      throw Errors.config(
          src,
          "steps." + name + ".needs",
          "steps form a cycle: " + String.join(" -> ", cycle),
          "remove one of these needs");
    }
    for (String need : steps.get(name).needs()) {
      visit(src, need, steps, done, visiting, path, out);
    }
    visiting.remove(name);
    path.removeLast();
    done.add(name);
    out.add(steps.get(name));
  }
}
