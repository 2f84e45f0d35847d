package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.io.ContentChecksum;
import io.proactivecare.npc.monitoring.Monitoring;
import io.proactivecare.npc.warehouse.Json;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code npc runs list|show}: past runs and their manifests. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List past runs, or show one run's manifest.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class})
final class RunsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
  static final class ListRuns implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "Show at most this many runs (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Warehouse w = new Warehouse(common.load().config().warehouse());
      List<RunManifest> runs = w.runs();
      if (runs.isEmpty()) {
        out.println("no runs yet in " + w.root());
      } else {
        long current = w.catalog().version();
        out.println("runs in warehouse " + w.root() + ", newest first");
        List<String[]> rows = new ArrayList<>();
        rows.add(
            new String[] {
              "RUN",
              "JOB",
              "AS OF",
              "STATUS",
              "STARTED",
              "SECONDS",
              "PUBLISHED",
              "MONITORING",
              "STEPS (SECONDS)"
            });
        for (int i = runs.size() - 1; i >= 0 && i >= runs.size() - limit; i--) {
          RunManifest m = runs.get(i);
          rows.add(
              new String[] {
                m.runId(),
                m.job(),
                m.asOf(),
                m.displayStatus(),
                m.startedAt().length() > 19 ? m.startedAt().substring(0, 19) : m.startedAt(),
                String.format(Locale.ROOT, "%.1f", m.durationMs() / 1000.0),
                m.catalogVersion() == 0
                    ? "-"
                    : "v"
                        + m.catalogVersion()
                        + (m.catalogVersion() == current ? " (current)" : ""),
                Monitoring.summary(m.monitoring()),
                steps(m)
              });
        }
        aligned(rows, 5).forEach(out::println);
      }
      out.flush();
      return 0;
    }
  }

  /**
   * The lines of {@code runs list}: each column as wide as its longest value, two spaces between
   * columns, column {@code right} (the seconds) aligned right, the last (the steps) as it is.
   */
  static List<String> aligned(List<String[]> rows, int right) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < columns - 1; c++) {
        String pad = " ".repeat(widths[c] - r[c].length());
        b.append(c == right ? pad + r[c] : r[c] + pad).append("  ");
      }
      lines.add(b.append(r[columns - 1]).toString());
    }
    return lines;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a run's manifest (inputs, steps, reconciliation, quarantine).")
  static final class ShowRun implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id, or 'latest'.")
    String runId;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Warehouse w = new Warehouse(common.load().config().warehouse());
      List<RunManifest> runs = w.runs();
      RunManifest m =
          "latest".equals(runId)
              ? (runs.isEmpty() ? null : runs.get(runs.size() - 1))
              : w.manifest(runId).orElse(null);
      if (m == null) {
        throw Errors.usage(
            "No run '" + runId + "' in warehouse " + w.root(), "list runs with: bin/npc runs list");
      }
      if (json) {
        out.println(Json.MAPPER.writeValueAsString(m));
        out.flush();
        return 0;
      }
      out.printf(
          "run        %s%nwarehouse  %s%njob        %s (%s)%nstatus     %s%s%nas of      %s%ncode       %s%nconfig     sha256 %s%nstarted    %s%nduration   %.1f s%npublished  %s%n",
          m.runId(),
          w.root(),
          m.job(),
          m.jobFile(),
          m.displayStatus(),
          m.error().isEmpty() ? "" : " (exit " + m.exitCode() + "): " + m.error(),
          m.asOf(),
          m.codeVersion(),
          m.configHash(),
          m.startedAt(),
          m.durationMs() / 1000.0,
          published(w, m));
      if (!m.inputs().isEmpty()) {
        out.println("\ninputs");
        for (RunManifest.Input i : m.inputs()) {
          out.printf(
              "  %-18s %-45s %-10s %,12d bytes  sha256 %s  extract %s%n",
              i.table(),
              i.file(),
              i.mapping(),
              i.bytes(),
              i.sha256().substring(0, 16),
              i.extractDate());
        }
      }
      out.println("\nsteps");
      for (RunManifest.StepRecord s : m.steps()) {
        out.printf(
            "  %-20s %-10s %-9s %,12d rows %8.1f s%s%n",
            s.name(), s.kind(), s.status(), s.rows(), s.durationMs() / 1000.0, heap(s));
        for (RunManifest.Output o : s.outputs()) {
          out.printf(
              "    -> %-32s %-13s %,12d rows  %-17s %s%n",
              o.name(),
              o.sensitivity().label(),
              o.rows(),
              ContentChecksum.shortForm(o.checksum()),
              o.path());
        }
        for (RunManifest.NotWritten n : s.notWritten()) {
          out.printf("    -- %-32s not written: %s%n", n.name(), n.reason());
        }
        if (!s.tables().isEmpty()) {
          out.printf(
              "    %-18s %12s %12s %12s %8s %8s  %s%n",
              "table", "read", "accepted", "quarantined", "share", "limit", "gate");
          for (RunManifest.TableCount t : s.tables()) {
            out.printf(
                "    %-18s %,12d %,12d %,12d %7.2f%% %7.2f%%  %s%n",
                t.table(),
                t.read(),
                t.accepted(),
                t.quarantined(),
                100 * t.quarantineShare(),
                100 * t.limit(),
                t.gatePassed() ? "passed" : "FAILED");
          }
        }
        if (!s.quarantineReasons().isEmpty()) {
          out.println("    quarantined rows by first reason");
          for (RunManifest.ReasonCount r : s.quarantineReasons()) {
            out.printf(
                "      %-18s %-16s %-24s %,10d%n", r.table(), r.reasonCode(), r.column(), r.rows());
          }
        }
        s.notes().forEach(n -> out.println("    note: " + n));
      }
      if (!m.monitoring().isEmpty()) {
        out.println("\nmonitoring (docs/operations.md, \"Monitoring\")");
        out.printf(
            "  %-24s %-16s %12s %12s  %-11s %s%n",
            "measure", "of", "value", "usual", "status", "compared with");
        for (RunManifest.MonitoringCheck c : m.monitoring()) {
          out.printf(
              "  %-24s %-16s %12s %12s  %-11s %s%n",
              c.measure(),
              c.subject(),
              c.value() == null ? "-" : Monitoring.number(c.measure(), c.value()),
              c.baseline() == null ? "-" : Monitoring.number(c.measure(), c.baseline()),
              c.alert() ? c.status().toUpperCase(java.util.Locale.ROOT) : c.status(),
              Monitoring.basis(c));
        }
      }
      if (!m.delivered().isEmpty()) {
        out.println("\ndelivered to the publish area");
        m.delivered().forEach(d -> out.println("  " + d));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * " heap 2,099 MB, 812 MB after collections" (or ", no collection during the step", when the
   * first figure also holds what earlier steps left): a step's Java heap at its most, if recorded.
   */
  static String heap(RunManifest.StepRecord s) {
    if (s.peakHeapMb() == null) {
      return "";
    }
    String after =
        s.peakHeapAfterGcMb() == null
            ? ", no collection during the step"
            : String.format(
                java.util.Locale.ROOT, ", %,d MB after collections", s.peakHeapAfterGcMb());
    return String.format(java.util.Locale.ROOT, "  heap %,d MB%s", s.peakHeapMb(), after);
  }

  /** "ingest 90.3, frailty 25.6 (failed)": each step's duration, in the order they ran. */
  static String steps(RunManifest m) {
    List<String> parts = new ArrayList<>();
    for (RunManifest.StepRecord s : m.steps()) {
      parts.add(
          String.format(java.util.Locale.ROOT, "%s %.1f", s.name(), s.durationMs() / 1000.0)
              + (RunManifest.SUCCEEDED.equals(s.status()) ? "" : " (" + s.status() + ")"));
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  /**
   * Whether a run published. The catalog decides: a run killed just after its catalog's rename
   * published, though its manifest could not record it.
   */
  static String published(Warehouse w, RunManifest m) {
    if (m.catalogVersion() != 0) {
      return "catalog version " + m.catalogVersion();
    }
    if (RunManifest.SUCCEEDED.equals(m.status())) {
      return "no";
    }
    return w.publishedVersion(m.runId(), 0)
        .map(
            v ->
                "catalog version "
                    + v
                    + " (the catalog names this run; it stopped before its manifest recorded it)")
        .orElse("no");
  }
}
