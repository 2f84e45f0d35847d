package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The model's inputs come from risk.inputs, not from whatever columns the features table has. */
class EncoderTest {
  private static final List<String> FLAGS = List.of("efi_falls", "efi_polypharmacy");

  /** A features/person table's columns in its order (two deficit flags), and one new column. */
  private static final StructType FEATURES =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType)
          .add(Cols.AS_OF, DataTypes.DateType)
          .add(Cols.PRACTICE_CODE, DataTypes.StringType)
          .add(Cols.PCN_CODE, DataTypes.StringType)
          .add(Cols.AGE, DataTypes.IntegerType)
          .add(Cols.SEX, DataTypes.StringType)
          .add(Cols.ETHNIC_GROUP, DataTypes.StringType)
          .add(Cols.ETHNIC_CATEGORY, DataTypes.StringType)
          .add(Cols.LSOA_CODE, DataTypes.StringType)
          .add(Cols.IMD_DECILE, DataTypes.IntegerType)
          .add(Cols.IMD_QUINTILE, DataTypes.IntegerType)
          .add(Cols.EFI_SCORE, DataTypes.DoubleType)
          .add(Cols.DEFICIT_COUNT, DataTypes.IntegerType)
          .add(Cols.EFI_CATEGORY, DataTypes.StringType)
          .add("efi_falls", DataTypes.BooleanType)
          .add("efi_polypharmacy", DataTypes.BooleanType)
          .add(Cols.LONG_TERM_CONDITIONS, DataTypes.IntegerType)
          .add(Cols.HOUSEBOUND, DataTypes.BooleanType)
          .add(Cols.HFRS_SCORE, DataTypes.DoubleType)
          .add(Cols.HFRS_BAND, DataTypes.StringType)
          .add(Cols.MEDICINES_12M, DataTypes.IntegerType)
          .add(Cols.EMERGENCY_ADMISSIONS_12M, DataTypes.IntegerType)
          .add(Cols.EMERGENCY_ADMISSIONS_36M, DataTypes.IntegerType)
          .add(Cols.EMERGENCY_ADMISSIONS_RECENT, DataTypes.IntegerType)
          .add(Cols.UNPLANNED_BED_DAYS_12M, DataTypes.IntegerType)
          .add(Cols.ELECTIVE_ADMISSIONS_12M, DataTypes.IntegerType)
          .add(Cols.DAY_CASES_12M, DataTypes.IntegerType)
          .add(Cols.AE_ATTENDANCES_12M, DataTypes.IntegerType)
          .add(Cols.AE_TYPE1_ATTENDANCES_12M, DataTypes.IntegerType)
          .add(Cols.OUTPATIENT_ATTENDANCES_12M, DataTypes.IntegerType)
          .add(Cols.OUTPATIENT_DNAS_12M, DataTypes.IntegerType)
          .add(Cols.DAYS_SINCE_EMERGENCY_ADMISSION, DataTypes.IntegerType)
          .add(Cols.DAYS_SINCE_INPATIENT_STAY, DataTypes.IntegerType)
          .add(Cols.DAYS_SINCE_AE_ATTENDANCE, DataTypes.IntegerType)
          .add(Cols.DAYS_SINCE_OUTPATIENT_CONTACT, DataTypes.IntegerType)
          .add(Cols.SOCIAL_CARE_ACTIVE, DataTypes.BooleanType)
          .add(Cols.SOCIAL_CARE_PACKAGE, DataTypes.StringType)
          .add(Cols.SOCIAL_CARE_WEEKLY_COST, DataTypes.DoubleType)
          .add(Cols.SOCIAL_CARE_SERVICES_12M, DataTypes.IntegerType)
          .add(Cols.SOCIAL_CARE_COST_12M, DataTypes.DoubleType)
          .add(Cols.CARE_HOME, DataTypes.BooleanType)
          .add("a_new_feature", DataTypes.IntegerType);

  private static RiskSettings settings(Map<String, String> overrides) {
    return ConfigLoader.load(Optional.empty(), overrides).config().risk();
  }

  @Test
  void theDefaultInputsAreEveryFeatureButEthnicityAndNoNewColumn() {
    Encoder e = Encoder.of(settings(Map.of()).inputs(), FEATURES, FLAGS);
    List<String> expected = new ArrayList<>();
    expected.addAll(
        List.of(
            Cols.AGE,
            Cols.IMD_DECILE,
            Cols.EFI_SCORE,
            Cols.DEFICIT_COUNT,
            "efi_falls",
            "efi_polypharmacy",
            Cols.LONG_TERM_CONDITIONS,
            Cols.HOUSEBOUND,
            Cols.HFRS_SCORE,
            Cols.MEDICINES_12M,
            Cols.EMERGENCY_ADMISSIONS_12M,
            Cols.EMERGENCY_ADMISSIONS_36M,
            Cols.EMERGENCY_ADMISSIONS_RECENT,
            Cols.UNPLANNED_BED_DAYS_12M,
            Cols.ELECTIVE_ADMISSIONS_12M,
            Cols.DAY_CASES_12M,
            Cols.AE_ATTENDANCES_12M,
            Cols.AE_TYPE1_ATTENDANCES_12M,
            Cols.OUTPATIENT_ATTENDANCES_12M,
            Cols.OUTPATIENT_DNAS_12M,
            Cols.DAYS_SINCE_EMERGENCY_ADMISSION,
            Cols.DAYS_SINCE_INPATIENT_STAY,
            Cols.DAYS_SINCE_AE_ATTENDANCE,
            Cols.DAYS_SINCE_OUTPATIENT_CONTACT,
            Cols.SOCIAL_CARE_ACTIVE,
            Cols.SOCIAL_CARE_WEEKLY_COST,
            Cols.SOCIAL_CARE_SERVICES_12M,
            Cols.CARE_HOME,
            Encoder.IMD_UNKNOWN,
            "sex=F",
            "sex=M",
            "social_care_package=nursing",
            "social_care_package=residential",
            "social_care_package=community",
            "social_care_package=short_term"));
    assertEquals(expected, e.names());
    assertFalse(e.columns().contains(Cols.ETHNIC_CATEGORY), e.toString());
    assertFalse(e.columns().contains("a_new_feature"), e.toString());
  }

  @Test
  void ethnicCategoryIsAnInputOnlyWhenListed() {
    List<String> inputs = new ArrayList<>(settings(Map.of()).inputs());
    inputs.add(Cols.ETHNIC_CATEGORY);
    List<String> names = Encoder.of(inputs, FEATURES, FLAGS).names();
    assertTrue(names.contains("ethnic_category=Other"), names.toString());
  }

  @Test
  void theOrderOfTheListDoesNotChangeTheEncoding() {
    Encoder a = Encoder.of(List.of(Cols.AGE, "efi_falls", Cols.SEX), FEATURES, FLAGS);
    Encoder b = Encoder.of(List.of(Cols.SEX, "efi_falls", Cols.AGE), FEATURES, FLAGS);
    assertEquals(List.of(Cols.AGE, "efi_falls", "sex=F", "sex=M"), a.names());
    assertEquals(a, b);
  }

  @Test
  void aDeficitFlagTheFeaturesLackIsRefused() {
    NpcException e =
        assertThrows(
            NpcException.class, () -> Encoder.of(List.of(Cols.AGE, "efi_fals"), FEATURES, FLAGS));
    assertTrue(e.getMessage().contains("risk.inputs names efi_fals"), e.getMessage());
  }

  @Test
  void aColumnThatIsNotAModelInputIsAConfigurationError() {
    for (String bad : List.of("ethnic_group", "person_id", "emergency_admisions_12m")) {
      NpcException e =
          assertThrows(
              NpcException.class, () -> settings(Map.of("risk.inputs", "[age, " + bad + "]")));
      assertEquals(io.proactivecare.npc.config.ExitCode.USAGE, e.exitCode());
      assertTrue(e.getMessage().contains("risk.inputs"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
