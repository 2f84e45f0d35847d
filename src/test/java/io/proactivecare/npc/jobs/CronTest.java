package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The cron parser and its conversion to systemd OnCalendar values, worked by hand. */
class CronTest {
  @Test
  void convertsToOnCalendarWorkedByHand() {
    String z = "Europe/London";
    // Every day at 02:30.
    assertEquals(List.of("*-*-* 02:30:00 " + z), Cron.parse("30 2 * * *").onCalendar(z));
    // 05:00 on the 1st of every month.
    assertEquals(List.of("*-*-01 05:00:00 " + z), Cron.parse("0 5 1 * *").onCalendar(z));
    // Every 15 minutes of hours 9 to 17, Monday to Friday: minutes 0,15,30,45 are 00/15.
    assertEquals(
        List.of("Mon..Fri *-*-* 09..17:00/15:00 " + z),
        Cron.parse("*/15 9-17 * * 1-5").onCalendar(z));
    // Sundays (0 and 7 both) and Saturdays at 06:10, in January, April, July and October
    // (1-12/3: 1, 4, 7, 10, a repetition from the first month).
    assertEquals(
        List.of("Sat,Sun *-01/3-* 06:10:00 " + z), Cron.parse("10 6 * 1-12/3 SAT,0").onCalendar(z));
    assertEquals(
        Cron.parse("10 6 * 1-12/3 6,7").onCalendar(z),
        Cron.parse("10 6 * jan,apr,jul,oct sat,sun").onCalendar(z));
    // Minutes 5 and 6 (two values: a list, not a range), hours 0, 12 and 23.
    assertEquals(
        List.of("*-*-* 00,12,23:05,06:00 " + z), Cron.parse("5,6 0,12,23 * * *").onCalendar(z));
    // Day of month and day of week both restricted: cron runs on either, so two values.
    assertEquals(
        List.of("Mon *-*-* 04:00:00 UTC", "*-*-01,15 04:00:00 UTC"),
        Cron.parse("0 4 1,15 * MON").onCalendar("UTC"));
    // A day-of-month step starting with * counts as unrestricted, as in cron: one value.
    assertEquals(List.of("Fri *-*-01/2 03:00:00 UTC"), Cron.parse("0 3 */2 * 5").onCalendar("UTC"));
  }

  @Test
  void matchesAsCronDoes() {
    Cron c = Cron.parse("0 4 1,15 * MON");
    assertTrue(c.matches(LocalDateTime.of(2025, 3, 1, 4, 0))); // a Saturday, the 1st
    assertTrue(c.matches(LocalDateTime.of(2025, 3, 3, 4, 0))); // a Monday, the 3rd
    assertFalse(c.matches(LocalDateTime.of(2025, 3, 4, 4, 0))); // a Tuesday, the 4th
    assertFalse(c.matches(LocalDateTime.of(2025, 3, 3, 4, 1)));
    Cron d = Cron.parse("0 3 */2 * 5"); // odd days that are Fridays
    assertTrue(d.matches(LocalDateTime.of(2025, 3, 7, 3, 0)));
    assertFalse(d.matches(LocalDateTime.of(2025, 3, 14, 3, 0)));
    assertFalse(d.matches(LocalDateTime.of(2025, 3, 9, 3, 0))); // odd, a Sunday
    assertEquals(
        LocalDateTime.of(2025, 4, 1, 5, 0),
        Cron.parse("0 5 1 * *").next(LocalDateTime.of(2025, 3, 1, 5, 0)).orElseThrow());
    assertEquals(
        LocalDateTime.of(2028, 2, 29, 0, 0),
        Cron.parse("0 0 29 2 *").next(LocalDateTime.of(2025, 3, 1, 0, 0)).orElseThrow());
    assertTrue(Cron.parse("0 0 31 2 *").next(LocalDateTime.of(2025, 1, 1, 0, 0)).isEmpty());
  }

  @Test
  void refusesInOneLineNamingTheField() {
    for (String[] c :
        new String[][] {
          {"30 2 * *", "has 4 fields"},
          {"60 2 * * *", "minute field '60': 60 is outside 0-59"},
          {"30 24 * * *", "hour field"},
          {"0 0 0 * *", "day of month field '0': 0 is outside 1-31"},
          {"0 0 * 13 *", "month field"},
          {"0 0 * * 8", "day of week field"},
          {"0 0 * * FUNDAY", "or a name (SUN, MON, TUE, WED, THU, FRI, SAT)"},
          {"0 5-1 * * *", "runs backwards"},
          {"0 5/2 * * *", "a step needs a range before it"},
          {"@daily", "has 1 fields"},
          {"", "has 0 fields"}
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Cron.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  /**
   * The conversion read by systemd itself: {@code systemd-analyze calendar} lists the times its
   * OnCalendar values elapse, which must be the times the cron expression fires (from a base time
   * outside the clock changes, where cron implementations differ among themselves).
   */
  @Test
  void systemdElapsesWhenCronFires() throws Exception {
    ZoneId zone = ZoneId.of("Europe/London");
    ZonedDateTime base = ZonedDateTime.of(2025, 1, 6, 0, 0, 0, 0, zone);
    for (String expr :
        List.of(
            "30 2 * * *",
            "0 5 1 * *",
            "*/15 9-17 * * 1-5",
            "10 6 * 1-12/3 SAT,0",
            "5,6 0,12,23 * * *",
            "0 4 1,15 * MON",
            "0 3 */2 * 5")) {
      Cron cron = Cron.parse(expr);
      int n = 12;
      List<String> expected = new ArrayList<>();
      LocalDateTime at = base.toLocalDateTime().minusMinutes(1);
      for (int i = 0; i < n; i++) {
        at = cron.next(at).orElseThrow();
        expected.add(at.atZone(zone).withZoneSameInstant(ZoneId.of("UTC")).format(UTC));
      }
      TreeSet<String> elapses = new TreeSet<>();
      for (String value : cron.onCalendar(zone.getId())) {
        elapses.addAll(systemdElapses(value, n));
      }
      assertEquals(expected, new ArrayList<>(elapses).subList(0, n), expr);
    }
  }

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The first {@code n} elapses of one OnCalendar value after 2025-01-06 00:00 London, in UTC. */
  private static List<String> systemdElapses(String value, int n)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "systemd-analyze",
                "calendar",
                "--iterations=" + n,
                "--base-time=2025-01-05 23:59:59 UTC",
                value)
            .redirectErrorStream(true);
    pb.environment().put("TZ", "UTC");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), value + ": " + out);
    List<String> times = new ArrayList<>();
    for (String line : out.lines().toList()) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(?:Next elapse|Iter\\. #\\d+): \\w+ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC")
              .matcher(line);
      if (m.find()) {
        times.add(m.group(1));
      }
    }
    assertEquals(n, times.size(), value + ": " + out);
    return times;
  }
}
