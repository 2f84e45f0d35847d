package io.proactivecare.npc.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which statements {@code npc sql} takes, decided before Spark starts: queries, with or without
 * comments before them (a saved query file usually opens with one), and nothing that writes,
 * however it is dressed.
 */
class SqlCheckTest {
  private static String check(String statement) {
    return Sql.check(statement, List.of());
  }

  @Test
  void aQueryMayOpenWithComments() {
    assertEquals("-- The cohort by PCN\nSELECT 1", check("-- The cohort by PCN\nSELECT 1;"));
    assertEquals(
        "/* saved query */\n-- by PCN\n  WITH a AS (SELECT 1 AS x) SELECT x FROM a",
        check("/* saved query */\n-- by PCN\n  WITH a AS (SELECT 1 AS x) SELECT x FROM a"));
  }

  @Test
  void aCommentDoesNotLetAWriteThrough() {
    for (String s :
        List.of(
            "-- SELECT\nDROP TABLE cohort",
            "/* SELECT */ INSERT INTO cohort VALUES (1)",
            "-- SELECT\nWITH a AS (SELECT 1) INSERT INTO cohort SELECT * FROM a")) {
      NpcException e = assertThrows(NpcException.class, () -> check(s), s);
      assertTrue(e.getMessage().contains("runs queries only"), e.getMessage());
    }
    // Spark's parser refuses a SET after a comment itself: refused either way.
    assertThrows(NpcException.class, () -> check("-- a note\nSET spark.sql.ansi.enabled=false"));
    NpcException drop =
        assertThrows(NpcException.class, () -> check("-- x\n/* y */ DROP TABLE cohort"));
    assertTrue(drop.getMessage().contains("'DROP' is not one"), drop.getMessage());
  }
}
