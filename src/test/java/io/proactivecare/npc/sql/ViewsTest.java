package io.proactivecare.npc.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which version of each output a query sees, and under what name. */
class ViewsTest {
  private static Catalog.Entry versions(String... dates) {
    Map<String, Catalog.TableVersion> v = new HashMap<>();
    for (String d : dates) {
      v.put(d, new Catalog.TableVersion("run-" + d, "runs/run-" + d + "/t", 1));
    }
    return new Catalog.Entry(Sensitivity.PATIENT_LEVEL, v);
  }

  private static final Catalog CATALOG =
      new Catalog(
          3,
          "",
          "",
          Map.of(
              "conformed/gp_events", versions("2025-01-31"),
              "frailty/efi", versions("2025-01-31", "2025-03-31"),
              "cohort/list", versions("2025-03-31"),
              "features/person", versions("2025-03-31"),
              "a/funnel", versions("2025-03-31"),
              "b/funnel", versions("2025-03-31"),
              "risk/model", versions("2025-03-31")),
          "");

  private static Map<String, String> names(List<Views.View> views) {
    Map<String, String> m = new HashMap<>();
    views.forEach(v -> m.put(v.name(), v.output() + "@" + v.versionKey()));
    return m;
  }

  @Test
  void namedByTheLastPartUnlessTwoShareIt() {
    assertEquals(
        Map.of(
            "gp_events", "conformed/gp_events@2025-01-31",
            "efi", "frailty/efi@2025-03-31",
            "cohort", "cohort/list@2025-03-31",
            "features", "features/person@2025-03-31",
            "a_funnel", "a/funnel@2025-03-31",
            "b_funnel", "b/funnel@2025-03-31"),
        names(Views.of(CATALOG, Optional.empty())));
  }

  @Test
  void aStagesMeasuresTableIsNamedAfterItsStageEvenWhenItIsTheOnlyOne() {
    Catalog one = new Catalog(3, "", "", Map.of("cohort/measures", versions("2025-03-31")), "");
    assertEquals(
        Map.of("cohort_measures", "cohort/measures@2025-03-31"),
        names(Views.of(one, Optional.empty())));
  }

  @Test
  void atADateEachOutputsVersionThenOrTheNewestBefore() {
    assertEquals(
        Map.of("gp_events", "conformed/gp_events@2025-01-31", "efi", "frailty/efi@2025-01-31"),
        names(Views.of(CATALOG, Optional.of(LocalDate.parse("2025-01-31")))));
  }

  @Test
  void aDateTheWarehouseDoesNotHaveIsRefusedNamingThoseItHas() {
    NpcException e =
        assertThrows(
            NpcException.class,
            () -> Views.of(CATALOG, Optional.of(LocalDate.parse("2025-02-28"))));
    assertTrue(e.getMessage().contains("(2025-03-31, 2025-01-31)"), e.getMessage());
    assertThrows(NpcException.class, () -> Views.of(Catalog.empty(), Optional.empty()));
  }
}
