package io.proactivecare.npc.schema;

import static io.proactivecare.npc.schema.ColumnType.DATE;
import static io.proactivecare.npc.schema.ColumnType.DOUBLE;
import static io.proactivecare.npc.schema.ColumnType.INTEGER;
import static io.proactivecare.npc.schema.ColumnType.STRING;
import static io.proactivecare.npc.schema.ColumnType.STRING_LIST;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical data contracts of every input, as code. docs/data-contracts.md is generated from
 * here ({@code npc contracts}) and a test keeps the two identical.
 */
public final class Contracts {
  private Contracts() {}

  /** ODS code of a GP practice: a letter and five digits, e.g. B86001. */
  public static final String ODS_PRACTICE = "^[A-Z][0-9]{5}$";

  /** ODS code of a Primary Care Network: U and five digits. */
  public static final String ODS_PCN = "^U[0-9]{5}$";

  /** LSOA code, 2011 or 2021 vintage (England). */
  public static final String LSOA = "^E01[0-9]{6}$";

  /** SNOMED CT concept id (also dm+d codes): 6 to 18 digits, no leading zero. */
  public static final String SNOMED = "^[1-9][0-9]{5,17}$";

  /** CTV3 (Read v3) code: five characters. */
  public static final String CTV3 = "^[A-Za-z0-9.]{5}$";

  /** Read v2 code: five characters, optionally a two-digit term code. */
  public static final String READ2 = "^[A-Za-z0-9.]{5}([0-9]{2})?$";

  /**
   * ICD-10 code without the dot: letter, two digits, up to four more characters (e.g. I10X, N180).
   */
  public static final String ICD10 = "^[A-Z][0-9]{2}[0-9A-Z]{0,4}$";

  /** BNF code: chapter digits then up to 13 characters (chemical substance or presentation). */
  public static final String BNF = "^[0-9]{4}[0-9A-Z]{0,11}$";

  /** Provider ODS code (trust or site). */
  public static final String PROVIDER = "^[A-Z0-9]{3,5}$";

  public static final TableContract PRACTICE_PCN =
      table(
              "practice_pcn",
              "One practice's membership of a PCN over a period (ODS ePCN core partner details).")
          .col(
              ColumnSpec.of(Cols.PRACTICE_CODE, STRING, "GP practice ODS code")
                  .mandatory()
                  .pattern(ODS_PRACTICE))
          .col(
              ColumnSpec.of(
                      Cols.PRACTICE_NAME,
                      STRING,
                      "The practice's name as registered with ODS, for lists and reports")
                  .maxLength(200))
          .col(ColumnSpec.of(Cols.PCN_CODE, STRING, "PCN ODS code").mandatory().pattern(ODS_PCN))
          .col(
              ColumnSpec.of(
                      Cols.PCN_NAME,
                      STRING,
                      "The Primary Care Network's name, for lists and reports")
                  .maxLength(200))
          .col(ColumnSpec.of(Cols.VALID_FROM, DATE, "First day of the membership").mandatory())
          .col(
              ColumnSpec.of(Cols.VALID_TO, DATE, "Last day of the membership; empty while current"))
          .key(Cols.PRACTICE_CODE, Cols.VALID_FROM)
          .order(Cols.VALID_FROM, Cols.VALID_TO)
          .build();

  public static final TableContract LSOA_IMD =
      table(
              "lsoa_imd",
              "Deprivation of one LSOA in one IMD vintage (decile 1 = most deprived 10% in England).")
          .col(
              ColumnSpec.of(
                      Cols.LSOA_CODE,
                      STRING,
                      "LSOA code (2011 codes for IMD2019, 2021 codes for IoD2025)")
                  .mandatory()
                  .pattern(LSOA))
          .col(
              ColumnSpec.of(Cols.IMD_VINTAGE, STRING, "Which index")
                  .mandatory()
                  .codes("IMD2019", "IoD2025"))
          .col(
              ColumnSpec.of(Cols.IMD_DECILE, INTEGER, "National decile, 1 most deprived")
                  .mandatory()
                  .range(1, 10))
          .col(ColumnSpec.of(Cols.IMD_RANK, INTEGER, "National rank, 1 most deprived").atLeast(1))
          .key(Cols.LSOA_CODE, Cols.IMD_VINTAGE)
          .build();

  public static final TableContract GP_REGISTRATIONS =
      table(
              "gp_registrations",
              "One period of registration of a person at a GP practice, with the person's demographics.")
          .col(
              ColumnSpec.of(
                      Cols.PERSON_ID, STRING, "Pseudonymised person key, shared by every source")
                  .mandatory()
                  .identifier())
          .col(
              ColumnSpec.of(Cols.PRACTICE_CODE, STRING, "GP practice ODS code")
                  .mandatory()
                  .pattern(ODS_PRACTICE))
          .col(
              ColumnSpec.of(
                      Cols.YEAR_OF_BIRTH,
                      INTEGER,
                      "Year of birth only: a pseudonymised extract carries no full date of birth (ages assume a birthday in the year, docs/population.md)")
                  .mandatory()
                  .range(1880, 2100))
          .col(
              ColumnSpec.of(Cols.SEX, STRING, "F female, M male, I indeterminate, U unknown")
                  .mandatory()
                  .codes("F", "M", "I", "U"))
          .col(ColumnSpec.of(Cols.LSOA_CODE, STRING, "LSOA of residence").pattern(LSOA))
          .col(
              ColumnSpec.of(
                      Cols.ETHNIC_GROUP,
                      STRING,
                      "NHS ethnic category (A-H, J-N, P, R, S; Z not stated; 99 not known)")
                  .codes(
                      "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R",
                      "S", "Z", "99")
                  .unknownAs("99"))
          .col(
              ColumnSpec.of(Cols.REGISTRATION_START, DATE, "First day registered at the practice")
                  .mandatory())
          .col(
              ColumnSpec.of(
                  Cols.REGISTRATION_END, DATE, "Last day registered; empty while registered"))
          .col(ColumnSpec.of(Cols.DATE_OF_DEATH, DATE, "Date of death, if recorded"))
          .key(Cols.PERSON_ID, Cols.REGISTRATION_START)
          .order(Cols.REGISTRATION_START, Cols.REGISTRATION_END)
          .order(Cols.REGISTRATION_START, Cols.DATE_OF_DEATH)
          .notAfterExtract(Cols.REGISTRATION_START, Cols.REGISTRATION_END, Cols.DATE_OF_DEATH)
          .practiceReference(Cols.PRACTICE_CODE)
          .build();

  public static final TableContract GP_EVENTS =
      table("gp_events", "One coded clinical event in the GP record.")
          .col(personKey())
          .col(ColumnSpec.of(Cols.EVENT_DATE, DATE, "Date the event was recorded for").mandatory())
          .col(
              ColumnSpec.of(Cols.CODE, STRING, "Clinical code; its form depends on code_system")
                  .mandatory()
                  .patternBy(
                      Cols.CODE_SYSTEM, Map.of("SNOMED", SNOMED, "CTV3", CTV3, "READ2", READ2)))
          .col(
              ColumnSpec.of(
                      Cols.CODE_SYSTEM, STRING, "SNOMED (SNOMED CT concept id), CTV3 or READ2")
                  .mandatory()
                  .codes("SNOMED", "CTV3", "READ2"))
          .col(ColumnSpec.of(Cols.VALUE, DOUBLE, "Numeric value, e.g. an eGFR result"))
          .col(ColumnSpec.of(Cols.UNIT, STRING, "Unit of the value"))
          .notAfterExtract(Cols.EVENT_DATE)
          .personReference()
          .activityDate(Cols.EVENT_DATE)
          .build();

  public static final TableContract GP_MEDICATIONS =
      table("gp_medications", "One issue of a medicine from a GP prescription.")
          .col(personKey())
          .col(ColumnSpec.of(Cols.ISSUE_DATE, DATE, "Date issued").mandatory())
          .col(
              ColumnSpec.of(Cols.MEDICINE_CODE, STRING, "dm+d code (a SNOMED CT concept id)")
                  .mandatory()
                  .pattern(SNOMED))
          .col(
              ColumnSpec.of(Cols.BNF_CODE, STRING, "BNF code (chemical substance or presentation)")
                  .pattern(BNF))
          .notAfterExtract(Cols.ISSUE_DATE)
          .personReference()
          .activityDate(Cols.ISSUE_DATE)
          .build();

  public static final TableContract APC_SPELLS =
      table(
              "apc_spells",
              "One hospital provider spell of admitted patient care (SUS APCS), with its ICD-10 diagnoses.")
          .col(
              ColumnSpec.of(Cols.SPELL_ID, STRING, "Spell identifier, unique in the extract")
                  .mandatory()
                  .identifier())
          .col(personKey())
          .col(
              ColumnSpec.of(
                      Cols.ADMISSION_DATE,
                      DATE,
                      "Date the spell began (the admission), which dates the spell for every window")
                  .mandatory())
          .col(ColumnSpec.of(Cols.DISCHARGE_DATE, DATE, "Discharge date; empty while in hospital"))
          .col(
              ColumnSpec.of(
                      Cols.ADMISSION_METHOD,
                      STRING,
                      "Admission method: 1x elective, 2x emergency, 3x maternity, 8x other, 98/99 default")
                  .mandatory()
                  .codes(
                      "11", "12", "13", "21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D",
                      "31", "32", "81", "82", "83", "98", "99"))
          .col(
              ColumnSpec.of(
                      Cols.PATIENT_CLASSIFICATION,
                      STRING,
                      "1 ordinary, 2 day case, 3 regular day, 4 regular night, 5 mothers and babies")
                  .mandatory()
                  .codes("1", "2", "3", "4", "5", "8", "9"))
          .col(
              ColumnSpec.of(
                      Cols.DISCHARGE_METHOD,
                      STRING,
                      "Discharge method; 4 died, 8 spell not finished")
                  .codes("1", "2", "3", "4", "5", "6", "7", "8", "9"))
          .col(
              ColumnSpec.of(
                      Cols.DISCHARGE_DESTINATION,
                      STRING,
                      "Discharge destination (two digits); 79 died, 98 not finished")
                  .pattern("^[0-9]{2}$"))
          .col(ColumnSpec.of(Cols.PROVIDER_CODE, STRING, "Provider ODS code").pattern(PROVIDER))
          .col(
              ColumnSpec.of(
                      Cols.DIAGNOSES,
                      STRING_LIST,
                      "ICD-10 codes without dots, primary first; in CSV separated by ';'")
                  .pattern(ICD10))
          .key(Cols.SPELL_ID)
          .order(Cols.ADMISSION_DATE, Cols.DISCHARGE_DATE)
          .notAfterExtract(Cols.ADMISSION_DATE, Cols.DISCHARGE_DATE)
          .personReference()
          .activityDate(Cols.ADMISSION_DATE)
          .build();

  public static final TableContract AE_ATTENDANCES =
      table("ae_attendances", "One attendance at an emergency care department (ECDS).")
          .col(
              ColumnSpec.of(
                      Cols.ATTENDANCE_ID, STRING, "Attendance identifier, unique in the extract")
                  .mandatory()
                  .identifier())
          .col(personKey())
          .col(
              ColumnSpec.of(
                      Cols.ARRIVAL_DATE,
                      DATE,
                      "Date the patient arrived in A&E, which dates the attendance for every window")
                  .mandatory())
          .col(
              ColumnSpec.of(Cols.DEPARTMENT_TYPE, STRING, "01-04 A&E types, 05 SDEC, 99 not known")
                  .mandatory()
                  .codes("01", "02", "03", "04", "05", "99"))
          .col(
              ColumnSpec.of(
                      Cols.ATTENDANCE_CATEGORY,
                      STRING,
                      "1-3 unplanned, 4 planned follow-up, 9 not known, X dead on arrival")
                  .mandatory()
                  .codes("1", "2", "3", "4", "9", "X"))
          .col(ColumnSpec.of(Cols.PROVIDER_CODE, STRING, "Provider ODS code").pattern(PROVIDER))
          .key(Cols.ATTENDANCE_ID)
          .notAfterExtract(Cols.ARRIVAL_DATE)
          .personReference()
          .activityDate(Cols.ARRIVAL_DATE)
          .build();

  public static final TableContract OP_APPOINTMENTS =
      table("op_appointments", "One outpatient appointment (SUS OPA), attended or not.")
          .col(
              ColumnSpec.of(
                      Cols.APPOINTMENT_ID, STRING, "Appointment identifier, unique in the extract")
                  .mandatory()
                  .identifier())
          .col(personKey())
          .col(
              ColumnSpec.of(
                      Cols.APPOINTMENT_DATE, DATE, "Date the appointment was for (attended or not)")
                  .mandatory())
          .col(
              ColumnSpec.of(
                      Cols.ATTENDANCE_STATUS,
                      STRING,
                      "5/6 attended, 3 did not attend, 7 late not seen, 2/4 cancelled, 0 future")
                  .mandatory()
                  .codes("0", "2", "3", "4", "5", "6", "7", "9"))
          .col(
              ColumnSpec.of(
                      Cols.FIRST_ATTENDANCE,
                      STRING,
                      "1/3 first, 2/4 follow-up, 5 administrative event")
                  .codes("1", "2", "3", "4", "5", "9"))
          .col(
              ColumnSpec.of(Cols.TREATMENT_SPECIALTY, STRING, "Treatment function code")
                  .pattern("^[0-9A-Z]{3}$"))
          .col(ColumnSpec.of(Cols.PROVIDER_CODE, STRING, "Provider ODS code").pattern(PROVIDER))
          .key(Cols.APPOINTMENT_ID)
          .notAfterExtract(Cols.APPOINTMENT_DATE)
          .futureExemption(Cols.ATTENDANCE_STATUS, "0")
          .personReference()
          .activityDate(Cols.APPOINTMENT_DATE)
          .build();

  public static final TableContract ASC_SERVICES =
      table(
              "asc_services",
              "One adult social care service (package) event (CLD Event_Type = Service).")
          .col(
              ColumnSpec.of(Cols.SERVICE_ID, STRING, "Event reference, unique in the extract")
                  .mandatory()
                  .identifier())
          .col(personKey())
          .col(
              ColumnSpec.of(Cols.SERVICE_TYPE, STRING, "CLD service type")
                  .mandatory()
                  .codes(
                      "Long Term Support: Nursing Care",
                      "Long Term Support: Residential Care",
                      "Long Term Support: Community",
                      "Long Term Support: Prison",
                      "Short Term Support: ST-Max",
                      "Short Term Support: Ongoing Low Level",
                      "Short Term Support: Other Short Term",
                      "Carer Support: Direct to Carer",
                      "Carer Support: Support involving the person cared-for"))
          .col(
              ColumnSpec.of(
                  Cols.SERVICE_COMPONENT, STRING, "CLD service component, e.g. Direct Payment"))
          .col(ColumnSpec.of(Cols.START_DATE, DATE, "Service start date").mandatory())
          .col(
              ColumnSpec.of(
                  Cols.END_DATE,
                  DATE,
                  "Service end date (may be planned, after the extract date); empty while open"))
          .col(ColumnSpec.of(Cols.UNIT_COST, DOUBLE, "Cost of one unit, in pounds").atLeast(0))
          .col(
              ColumnSpec.of(
                  Cols.COST_FREQUENCY,
                  STRING,
                  "Unit type of the cost, e.g. Weekly, Fortnightly, 4-Weekly, Monthly, Hourly"))
          .col(
              ColumnSpec.of(
                      Cols.PLANNED_UNITS_PER_WEEK,
                      DOUBLE,
                      "Units of the service planned each week (hours of home care, nights, sessions): unit cost times this is the weekly cost, unless cost_frequency names the units")
                  .atLeast(0))
          .key(Cols.SERVICE_ID)
          .order(Cols.START_DATE, Cols.END_DATE)
          .notAfterExtract(Cols.START_DATE)
          .personReference()
          .activityDate(Cols.START_DATE)
          .build();

  public static final TableContract ENROLMENTS =
      table("enrolments", "One enrolment of a person in neighbourhood proactive care.")
          .col(personKey())
          .col(
              ColumnSpec.of(Cols.PCN_CODE, STRING, "PCN that enrolled the person")
                  .mandatory()
                  .pattern(ODS_PCN))
          .col(
              ColumnSpec.of(
                      Cols.ENROLMENT_DATE, DATE, "Enrolment date (the evaluation's index date)")
                  .mandatory())
          .col(
              ColumnSpec.of(
                  Cols.END_DATE, DATE, "Date the person left proactive care; empty while enrolled"))
          .key(Cols.PERSON_ID, Cols.ENROLMENT_DATE)
          .order(Cols.ENROLMENT_DATE, Cols.END_DATE)
          .notAfterExtract(Cols.ENROLMENT_DATE, Cols.END_DATE)
          .pcnReference(Cols.PCN_CODE)
          .personReference()
          .activityDate(Cols.ENROLMENT_DATE)
          .build();

  /** Every input table, in ingest order: references first, then the register, then the rest. */
  public static final List<TableContract> ALL =
      List.of(
          PRACTICE_PCN,
          LSOA_IMD,
          GP_REGISTRATIONS,
          GP_EVENTS,
          GP_MEDICATIONS,
          APC_SPELLS,
          AE_ATTENDANCES,
          OP_APPOINTMENTS,
          ASC_SERVICES,
          ENROLMENTS);

  public static List<String> names() {
    return ALL.stream().map(TableContract::name).toList();
  }

  public static Optional<TableContract> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The person key of an activity table. */
  private static ColumnSpec.Draft personKey() {
    return ColumnSpec.of(Cols.PERSON_ID, STRING, "Pseudonymised person key")
        .mandatory()
        .identifier();
  }

  private static Builder table(String name, String description) {
    return new Builder(name, description);
  }

  private static final class Builder {
    private final String name;
    private final String description;
    private final List<ColumnSpec> columns = new ArrayList<>();
    private List<String> key = List.of();
    private final List<List<String>> order = new ArrayList<>();
    private List<String> notAfter = List.of();
    private Optional<List<String>> exemption = Optional.empty();
    private boolean person;
    private Optional<String> practice = Optional.empty();
    private Optional<String> pcn = Optional.empty();
    private Optional<String> activity = Optional.empty();

    Builder(String name, String description) {
      this.name = name;
      this.description = description;
    }

    Builder col(ColumnSpec.Draft c) {
      columns.add(c.build());
      return this;
    }

    Builder key(String... cols) {
      key = List.of(cols);
      return this;
    }

    Builder order(String earlier, String later) {
      order.add(List.of(earlier, later));
      return this;
    }

    Builder notAfterExtract(String... cols) {
      notAfter = List.of(cols);
      return this;
    }

    Builder futureExemption(String column, String value) {
      exemption = Optional.of(List.of(column, value));
      return this;
    }

    Builder personReference() {
      person = true;
      return this;
    }

    Builder practiceReference(String column) {
      practice = Optional.of(column);
      return this;
    }

    Builder pcnReference(String column) {
      pcn = Optional.of(column);
      return this;
    }

    /** The date the row's activity happened, compared with the person's recorded death. */
    Builder activityDate(String column) {
      activity = Optional.of(column);
      return this;
    }

    TableContract build() {
      return new TableContract(
          name,
          description,
          columns,
          key,
          order,
          notAfter,
          exemption,
          person,
          practice,
          pcn,
          activity);
    }
  }
}
