package io.proactivecare.npc.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The distribution figures of a generated extract, computed in plain Java from its files as an
 * analyst would (people registered at the as-of date; eFI from the codelist's codes on or before
 * the date plus polypharmacy, 5 or more distinct medicines issued in the 12 months to the date).
 */
final class PopulationStats {
  long people;
  long registered;
  double share65;
  double shareDecile1;
  double[] diverseByAge = new double[3];

  /** fit, mild, moderate, severe shares among registered people aged 65+. */
  double[] efiCategories = new double[4];

  long aged65;

  /** Shares of the top 5% by true risk at the cutoff, in the 12 months after it. */
  double topShareBedDays;

  double topShareOutpatients;
  double topShareEmergencies;
  double topShareSocialCare;

  /** Share with an emergency admission or death in the 12 months, and the mean true risk. */
  double observedOutcomeRate;

  double meanTrueRisk;

  static PopulationStats of(Path dir, LocalDate asOf, Path codelist) throws IOException {
    PopulationStats s = new PopulationStats();
    Map<String, Integer> decile = new HashMap<>();
    lines(dir.resolve("lsoa_imd.csv.gz"), f -> decile.put(f[0], Integer.parseInt(f[2])));
    Map<String, LocalDate> birth = new HashMap<>();
    lines(dir.resolve("truth/people.csv.gz"), f -> birth.put(f[0], LocalDate.parse(f[2])));
    s.people = birth.size();
    Map<String, String[]> current = new HashMap<>();
    lines(
        dir.resolve("gp_registrations.csv.gz"),
        f -> {
          if (f.length < 8 || f[7].isEmpty()) {
            current.put(f[0], f);
          }
        });
    s.registered = current.size();
    Map<String, Set<String>> deficitsOfCode = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(codelist)) {
      r.readLine();
      for (String l; (l = r.readLine()) != null; ) {
        String[] f = l.split(",", 3);
        deficitsOfCode.computeIfAbsent(f[1], k -> new HashSet<>()).add(f[0]);
      }
    }
    Map<String, Set<String>> deficits = new HashMap<>();
    lines(
        dir.resolve("gp_events.csv.gz"),
        f -> {
          Set<String> d = deficitsOfCode.get(f[2]);
          if (d != null && current.containsKey(f[0]) && !LocalDate.parse(f[1]).isAfter(asOf)) {
            deficits.computeIfAbsent(f[0], k -> new HashSet<>()).addAll(d);
          }
        });
    Map<String, Set<String>> medicines = new HashMap<>();
    lines(
        dir.resolve("gp_medications.csv.gz"),
        f -> {
          LocalDate t = LocalDate.parse(f[1]);
          if (!t.isAfter(asOf) && t.isAfter(asOf.minusDays(365))) {
            medicines.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2]);
          }
        });
    long old = 0;
    long deprived = 0;
    long[] diverse = new long[3];
    long[] byAge = new long[3];
    long[] categories = new long[4];
    for (Map.Entry<String, String[]> e : current.entrySet()) {
      double age = ChronoUnit.DAYS.between(birth.get(e.getKey()), asOf) / 365.25;
      int group = age < 25 ? 0 : age < 65 ? 1 : 2;
      byAge[group]++;
      if (!List.of("A", "B", "C", "Z").contains(e.getValue()[5])) {
        diverse[group]++;
      }
      if (decile.get(e.getValue()[4]) == 1) {
        deprived++;
      }
      if (age >= 65) {
        old++;
        int n =
            deficits.getOrDefault(e.getKey(), Set.of()).size()
                + (medicines.getOrDefault(e.getKey(), Set.of()).size() >= 5 ? 1 : 0);
        categories[n <= 4 ? 0 : n <= 8 ? 1 : n <= 12 ? 2 : 3]++;
      }
    }
    s.aged65 = old;
    s.share65 = (double) old / s.registered;
    s.shareDecile1 = (double) deprived / s.registered;
    for (int g = 0; g < 3; g++) {
      s.diverseByAge[g] = (double) diverse[g] / byAge[g];
    }
    for (int c = 0; c < 4; c++) {
      s.efiCategories[c] = (double) categories[c] / old;
    }
    return s;
  }

  /** Concentration and calibration of the truth at {@code cutoff}, over the 12 months after it. */
  void concentration(Path dir, LocalDate cutoff) throws IOException {
    LocalDate end = cutoff.plusYears(1);
    Map<String, Double> risk = new HashMap<>();
    lines(
        dir.resolve("truth/risk.csv.gz"),
        f -> {
          if (f[1].equals(cutoff.toString())) {
            risk.put(f[0], Double.parseDouble(f[2]));
          }
        });
    List<String> ranked = new java.util.ArrayList<>(risk.keySet());
    ranked.sort((a, b) -> Double.compare(risk.get(b), risk.get(a)));
    Set<String> top = new HashSet<>(ranked.subList(0, ranked.size() / 20));
    Map<String, Long> bedDays = new HashMap<>();
    Map<String, Long> emergencies = new HashMap<>();
    lines(
        dir.resolve("apc_spells.csv.gz"),
        f -> {
          if (f[4].startsWith("2") && f[5].equals("1")) {
            LocalDate a = LocalDate.parse(f[2]);
            LocalDate d = f[3].isEmpty() ? end.plusDays(1) : LocalDate.parse(f[3]);
            LocalDate to = d.isBefore(end.plusDays(1)) ? d : end.plusDays(1);
            LocalDate from = a.isAfter(cutoff.plusDays(1)) ? a : cutoff.plusDays(1);
            bedDays.merge(f[1], Math.max(0, ChronoUnit.DAYS.between(from, to)), Long::sum);
            if (a.isAfter(cutoff) && !a.isAfter(end)) {
              emergencies.merge(f[1], 1L, Long::sum);
            }
          }
        });
    Map<String, Long> outpatients = new HashMap<>();
    lines(
        dir.resolve("op_appointments.csv.gz"),
        f -> {
          LocalDate t = LocalDate.parse(f[2]);
          if (t.isAfter(cutoff) && !t.isAfter(end) && (f[3].equals("5") || f[3].equals("6"))) {
            outpatients.merge(f[1], 1L, Long::sum);
          }
        });
    Map<String, Long> packages = new HashMap<>();
    lines(
        dir.resolve("asc_services.csv.gz"),
        f -> {
          LocalDate start = LocalDate.parse(f[4]);
          if (!start.isAfter(end) && (f[5].isEmpty() || LocalDate.parse(f[5]).isAfter(cutoff))) {
            packages.merge(f[1], 1L, Long::sum);
          }
        });
    topShareSocialCare = share(packages, risk.keySet(), top);
    Set<String> died = new HashSet<>();
    lines(
        dir.resolve("truth/people.csv.gz"),
        f -> {
          if (!f[9].isEmpty()
              && LocalDate.parse(f[9]).isAfter(cutoff)
              && !LocalDate.parse(f[9]).isAfter(end)) {
            died.add(f[0]);
          }
        });
    topShareBedDays = share(bedDays, risk.keySet(), top);
    topShareOutpatients = share(outpatients, risk.keySet(), top);
    topShareEmergencies = share(emergencies, risk.keySet(), top);
    observedOutcomeRate =
        risk.keySet().stream().filter(p -> emergencies.containsKey(p) || died.contains(p)).count()
            / (double) risk.size();
    meanTrueRisk = risk.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static double share(Map<String, Long> counts, Set<String> eligible, Set<String> top) {
    long all = 0;
    long inTop = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (eligible.contains(e.getKey())) {
        all += e.getValue();
        if (top.contains(e.getKey())) {
          inTop += e.getValue();
        }
      }
    }
    return (double) inTop / all;
  }

  private static void lines(Path gz, Consumer<String[]> each) throws IOException {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String l; (l = r.readLine()) != null; ) {
        each.accept(l.split(",", -1));
      }
    }
  }
}
