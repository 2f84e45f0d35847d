package io.proactivecare.npc.jobs;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A five-field cron expression, as cron(8) reads it: minute, hour, day of month, month, day of
 * week. Each field is {@code *} or a comma-separated list of values, ranges {@code a-b} and steps
 * {@code * /n} or {@code a-b/n} (written without the space); months may be {@code JAN..DEC} and
 * days of the week {@code SUN..SAT}, 0 and 7 both Sunday. As in cron, when both the day of month
 * and the day of week are restricted (neither starts with {@code *}), a day matching either runs.
 *
 * <p>{@link #onCalendar()} gives the same times as systemd {@code OnCalendar=} expressions.
 */
public final class Cron {
  /** One field: its name, its range, and the values it allows. */
  private record Field(String name, int min, int max, TreeSet<Integer> values, boolean star) {
    boolean all() {
      return values.size() == max - min + 1;
    }
  }

  private static final Map<String, Integer> MONTHS =
      Map.ofEntries(
          Map.entry("JAN", 1),
          Map.entry("FEB", 2),
          Map.entry("MAR", 3),
          Map.entry("APR", 4),
          Map.entry("MAY", 5),
          Map.entry("JUN", 6),
          Map.entry("JUL", 7),
          Map.entry("AUG", 8),
          Map.entry("SEP", 9),
          Map.entry("OCT", 10),
          Map.entry("NOV", 11),
          Map.entry("DEC", 12));
  private static final Map<String, Integer> DAYS =
      Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6);
  private static final String[] SYSTEMD_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

  private final String text;
  private final Field minute;
  private final Field hour;
  private final Field dayOfMonth;
  private final Field month;
  private final Field dayOfWeek;

  private Cron(String text, Field[] f) {
    this.text = text;
    this.minute = f[0];
    this.hour = f[1];
    this.dayOfMonth = f[2];
    this.month = f[3];
    this.dayOfWeek = f[4];
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying, in one line, which field is wrong and why
   */
  public static Cron parse(String text) {
    String[] parts = text.strip().split("\\s+");
    if (text.isBlank() || parts.length != 5) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has "
              + (text.isBlank() ? 0 : parts.length)
              + " fields; a cron expression has five: minute hour day-of-month month day-of-week,"
              + " e.g. \"30 2 * * *\"");
    }
    Field[] f = {
      field("minute", parts[0], 0, 59, Map.of()),
      field("hour", parts[1], 0, 23, Map.of()),
      field("day of month", parts[2], 1, 31, Map.of()),
      field("month", parts[3], 1, 12, MONTHS),
      field("day of week", parts[4], 0, 7, DAYS)
    };
    // 7 is Sunday, as 0 is.
    if (f[4].values().remove(7)) {
      f[4].values().add(0);
    }
    Field dow = new Field(f[4].name(), 0, 6, f[4].values(), f[4].star());
    f[4] = dow;
    return new Cron(String.join(" ", parts), f);
  }

  private static Field field(
      String name, String text, int min, int max, Map<String, Integer> names) {
    TreeSet<Integer> values = new TreeSet<>();
    for (String item : text.split(",", -1)) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(name, item.substring(slash + 1), 1, max - min + 1, Map.of(), text);
        if (!range.equals("*") && !range.contains("-")) {
          throw bad(name, text, "a step needs a range before it: */" + step + " or a-b/" + step);
        }
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max == 7 ? 6 : max;
      } else if (range.contains("-")) {
        String[] ab = range.split("-", -1);
        if (ab.length != 2) {
          throw bad(name, text, "'" + range + "' is not a range a-b");
        }
        from = number(name, ab[0], min, max, names, text);
        to = number(name, ab[1], min, max, names, text);
        if (to < from) {
          throw bad(name, text, "the range " + range + " runs backwards");
        }
      } else {
        from = number(name, range, min, max, names, text);
        to = from;
      }
      for (int v = from; v <= to; v += step) {
        values.add(v);
      }
    }
    return new Field(name, min, max, values, text.startsWith("*"));
  }

  private static int number(
      String name, String s, int min, int max, Map<String, Integer> names, String text) {
    Integer named = names.get(s.toUpperCase(Locale.ROOT));
    if (named != null) {
      return named;
    }
    if (!s.matches("[0-9]{1,2}")) {
      throw bad(
          name,
          text,
          "'"
              + s
              + "' is not a number"
              + (names.isEmpty() ? "" : " or a name (" + String.join(", ", sorted(names)) + ")"));
    }
    int v = Integer.parseInt(s);
    if (v < min || v > max) {
      throw bad(name, text, v + " is outside " + min + "-" + max);
    }
    return v;
  }

  private static List<String> sorted(Map<String, Integer> names) {
    return names.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .toList();
  }

  private static IllegalArgumentException bad(String name, String text, String why) {
    return new IllegalArgumentException("the " + name + " field '" + text + "': " + why);
  }

  /** The expression, its fields separated by one space. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  /** Whether the expression fires at {@code t} (its seconds are ignored). */
  public boolean matches(LocalDateTime t) {
    if (!minute.values().contains(t.getMinute())
        || !hour.values().contains(t.getHour())
        || !month.values().contains(t.getMonthValue())) {
      return false;
    }
    boolean dom = dayOfMonth.values().contains(t.getDayOfMonth());
    boolean dow = dayOfWeek.values().contains(t.getDayOfWeek().getValue() % 7);
    return dayOfMonth.star() || dayOfWeek.star() ? dom && dow : dom || dow;
  }

  /** The first time after {@code t} (to the minute) that the expression fires, within 5 years. */
  public Optional<LocalDateTime> next(LocalDateTime t) {
    LocalDateTime at = t.withSecond(0).withNano(0).plusMinutes(1);
    LocalDateTime end = at.plusYears(5);
    while (at.isBefore(end)) {
      if (!month.values().contains(at.getMonthValue())) {
        at = at.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
      } else if (!matchesDay(at)) {
        at = at.withHour(0).withMinute(0).plusDays(1);
      } else if (!hour.values().contains(at.getHour())) {
        at = at.withMinute(0).plusHours(1);
      } else if (!minute.values().contains(at.getMinute())) {
        at = at.plusMinutes(1);
      } else {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  private boolean matchesDay(LocalDateTime t) {
    return matches(t.withHour(hour.values().first()).withMinute(minute.values().first()));
  }

  /**
   * The same schedule as systemd {@code OnCalendar=} values (systemd.time(7)), in {@code zone}: one
   * value, or two when both the day of month and the day of week are restricted (cron runs on a day
   * matching either; systemd requires both parts of one value to match, and runs a timer when any
   * of its values matches).
   */
  public List<String> onCalendar(String zone) {
    String time = component(hour, 2) + ":" + component(minute, 2) + ":00";
    String months = component(month, 2);
    String suffix = " " + time + " " + zone;
    List<String> out = new ArrayList<>();
    if (dayOfMonth.star() || dayOfWeek.star()) {
      out.add(weekdays() + "*-" + months + "-" + component(dayOfMonth, 2) + suffix);
    } else {
      out.add(weekdays() + "*-" + months + "-*" + suffix);
      out.add("*-" + months + "-" + component(dayOfMonth, 2) + suffix);
    }
    return out;
  }

  /** "Mon..Fri " or "Sat,Sun " (Monday first, as systemd counts), or "" for every day. */
  private String weekdays() {
    if (dayOfWeek.all()) {
      return "";
    }
    List<Integer> mondayFirst = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      if (dayOfWeek.values().contains(d.getValue() % 7)) {
        mondayFirst.add(d.getValue());
      }
    }
    List<String> parts = new ArrayList<>();
    for (int[] run : runs(mondayFirst)) {
      String a = SYSTEMD_DAYS[run[0] % 7];
      String b = SYSTEMD_DAYS[run[1] % 7];
      parts.add(run[0] == run[1] ? a : run[1] == run[0] + 1 ? a + "," + b : a + ".." + b);
    }
    return String.join(",", parts) + " ";
  }

  /**
   * One date or time component: {@code *}, a repetition {@code start/step} when the values are
   * every step-th from the field's first value to its end, else values and ranges {@code a..b}.
   */
  private static String component(Field f, int width) {
    if (f.all()) {
      return "*";
    }
    List<Integer> v = new ArrayList<>(f.values());
    if (v.size() >= 3) {
      int step = v.get(1) - v.get(0);
      boolean progression = v.get(0) == f.min() && v.get(v.size() - 1) + step > f.max();
      for (int i = 1; i < v.size() && progression; i++) {
        progression = v.get(i) - v.get(i - 1) == step;
      }
      if (progression && step > 1) {
        return pad(v.get(0), width) + "/" + step;
      }
    }
    List<String> parts = new ArrayList<>();
    for (int[] run : runs(v)) {
      if (run[0] == run[1]) {
        parts.add(pad(run[0], width));
      } else if (run[1] == run[0] + 1) {
        parts.add(pad(run[0], width) + "," + pad(run[1], width));
      } else {
        parts.add(pad(run[0], width) + ".." + pad(run[1], width));
      }
    }
    return String.join(",", parts);
  }

  /** Runs of consecutive values, each as {first, last}. */
  private static List<int[]> runs(List<Integer> sorted) {
    List<int[]> out = new ArrayList<>();
    for (int x : sorted) {
      if (!out.isEmpty() && out.get(out.size() - 1)[1] == x - 1) {
        out.get(out.size() - 1)[1] = x;
      } else {
        out.add(new int[] {x, x});
      }
    }
    return out;
  }

  private static String pad(int v, int width) {
    return String.format("%0" + width + "d", v);
  }
}
