package io.proactivecare.npc.schema;

/** Every canonical column name, in one place. No other class spells a column name as a literal. */
public final class Cols {
  private Cols() {}

  // People and organisations
  public static final String PERSON_ID = "person_id";
  public static final String PRACTICE_CODE = "practice_code";
  public static final String PRACTICE_NAME = "practice_name";
  public static final String PCN_CODE = "pcn_code";
  public static final String PCN_NAME = "pcn_name";
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String LSOA_CODE = "lsoa_code";
  public static final String IMD_VINTAGE = "imd_vintage";
  public static final String IMD_DECILE = "imd_decile";
  public static final String IMD_RANK = "imd_rank";

  // GP registrations
  public static final String YEAR_OF_BIRTH = "year_of_birth";
  public static final String SEX = "sex";
  public static final String ETHNIC_GROUP = "ethnic_group";
  public static final String REGISTRATION_START = "registration_start";
  public static final String REGISTRATION_END = "registration_end";
  public static final String DATE_OF_DEATH = "date_of_death";

  // GP events and medicines
  public static final String EVENT_DATE = "event_date";
  public static final String CODE = "code";
  public static final String CODE_SYSTEM = "code_system";
  public static final String VALUE = "value";
  public static final String UNIT = "unit";
  public static final String ISSUE_DATE = "issue_date";
  public static final String MEDICINE_CODE = "medicine_code";
  public static final String BNF_CODE = "bnf_code";

  // Hospital
  public static final String SPELL_ID = "spell_id";
  public static final String ADMISSION_DATE = "admission_date";
  public static final String DISCHARGE_DATE = "discharge_date";
  public static final String ADMISSION_METHOD = "admission_method";
  public static final String PATIENT_CLASSIFICATION = "patient_classification";
  public static final String DISCHARGE_METHOD = "discharge_method";
  public static final String DISCHARGE_DESTINATION = "discharge_destination";
  public static final String PROVIDER_CODE = "provider_code";
  public static final String DIAGNOSES = "diagnoses";
  public static final String ATTENDANCE_ID = "attendance_id";
  public static final String ARRIVAL_DATE = "arrival_date";
  public static final String DEPARTMENT_TYPE = "department_type";
  public static final String ATTENDANCE_CATEGORY = "attendance_category";
  public static final String APPOINTMENT_ID = "appointment_id";
  public static final String APPOINTMENT_DATE = "appointment_date";
  public static final String ATTENDANCE_STATUS = "attendance_status";
  public static final String FIRST_ATTENDANCE = "first_attendance";
  public static final String TREATMENT_SPECIALTY = "treatment_specialty";

  // Adult social care
  public static final String SERVICE_ID = "service_id";
  public static final String SERVICE_TYPE = "service_type";
  public static final String SERVICE_COMPONENT = "service_component";
  public static final String START_DATE = "start_date";
  public static final String END_DATE = "end_date";
  public static final String UNIT_COST = "unit_cost";
  public static final String COST_FREQUENCY = "cost_frequency";
  public static final String PLANNED_UNITS_PER_WEEK = "planned_units_per_week";

  // Proactive care enrolments
  public static final String ENROLMENT_DATE = "enrolment_date";

  // Quarantine
  public static final String TABLE = "table";
  public static final String SOURCE_FILE = "source_file";
  public static final String ROW_NUMBER = "row_number";
  public static final String REASON_CODE = "reason_code";
  public static final String REASON_COLUMN = "reason_column";
  public static final String REASON_DETAIL = "reason_detail";
  public static final String REASONS = "reasons";
  public static final String RECORD = "record";

  // Population at a date
  public static final String AS_OF = "as_of";
  public static final String AGE = "age";

  // Frailty
  public static final String DEFICIT_NO = "deficit_no";
  public static final String DEFICIT = "deficit";
  public static final String PERIOD_START = "period_start";
  public static final String PERIOD_END = "period_end";
  public static final String FIRST_RECORDED = "first_recorded";
  public static final String DEFICITS = "deficits";
  public static final String DEFICIT_COUNT = "deficit_count";
  public static final String EFI_SCORE = "efi_score";
  public static final String EFI_CATEGORY = "efi_category";
  public static final String OUTSIDE_VALIDATED_AGE = "outside_validated_age";
  public static final String POLYPHARMACY_MEDICINES = "polypharmacy_medicines";
  public static final String HFRS_SCORE = "hfrs_score";
  public static final String HFRS_BAND = "hfrs_band";
  public static final String HFRS_CODES = "hfrs_codes";
  public static final String HFRS_SPELLS = "hfrs_spells";
  public static final String POINTS = "points";
  public static final String TRAJECTORY_POINTS = "trajectory_points";
  public static final String FIRST_DATE = "first_date";
  public static final String LAST_DATE = "last_date";
  public static final String FIRST_SCORE = "first_score";
  public static final String LAST_SCORE = "last_score";
  public static final String DEFICITS_GAINED = "deficits_gained";
  public static final String EFI_CHANGE_PER_YEAR = "efi_change_per_year";

  // Person features (docs/features.md)
  public static final String ETHNIC_CATEGORY = "ethnic_category";
  public static final String IMD_QUINTILE = "imd_quintile";
  public static final String LONG_TERM_CONDITIONS = "long_term_conditions";
  public static final String MEDICINES_12M = "medicines_12m";
  public static final String EMERGENCY_ADMISSIONS_12M = "emergency_admissions_12m";
  public static final String EMERGENCY_ADMISSIONS_36M = "emergency_admissions_36m";
  public static final String EMERGENCY_ADMISSIONS_RECENT = "emergency_admissions_recent";
  public static final String UNPLANNED_BED_DAYS_12M = "unplanned_bed_days_12m";
  public static final String ELECTIVE_ADMISSIONS_12M = "elective_admissions_12m";
  public static final String DAY_CASES_12M = "day_cases_12m";
  public static final String AE_ATTENDANCES_12M = "ae_attendances_12m";
  public static final String AE_TYPE1_ATTENDANCES_12M = "ae_type1_attendances_12m";
  public static final String OUTPATIENT_ATTENDANCES_12M = "outpatient_attendances_12m";
  public static final String OUTPATIENT_DNAS_12M = "outpatient_dnas_12m";
  public static final String DAYS_SINCE_EMERGENCY_ADMISSION = "days_since_emergency_admission";
  public static final String DAYS_SINCE_AE_ATTENDANCE = "days_since_ae_attendance";
  public static final String DAYS_SINCE_INPATIENT_STAY = "days_since_inpatient_stay";
  public static final String DAYS_SINCE_OUTPATIENT_CONTACT = "days_since_outpatient_contact";
  public static final String SOCIAL_CARE_ACTIVE = "social_care_active";
  public static final String SOCIAL_CARE_PACKAGE = "social_care_package";
  public static final String SOCIAL_CARE_WEEKLY_COST = "social_care_weekly_cost";
  public static final String SOCIAL_CARE_SERVICES_12M = "social_care_services_12m";
  public static final String SOCIAL_CARE_COST_12M = "social_care_cost_12m";
  public static final String HOUSEBOUND = "housebound";
  public static final String CARE_HOME = "care_home";

  // The cohort (docs/cohort.md)
  public static final String PALLIATIVE_CARE = "palliative_care";
  public static final String EXCLUSION = "exclusion";
  public static final String ELIGIBLE = "eligible";
  public static final String COHORT_RANK = "cohort_rank";
  public static final String SELECTED = "selected";
  public static final String RETAINED = "retained";
  public static final String IN_COHORT = "in_cohort";
  public static final String IN_COHORT_SINCE = "in_cohort_since";
  public static final String STATUS = "status";
  public static final String CHANGE_REASON = "change_reason";
  public static final String LIST_RANK = "list_rank";
  public static final String PREVIOUS_RISK_PERCENTILE = "previous_risk_percentile";
  public static final String RISING_RISK = "rising_risk";
  public static final String MODERATE_OR_SEVERE_FRAILTY = "moderate_or_severe_frailty";
  public static final String COST_12M = "cost_12m";
  public static final String ENROLLED = "enrolled";
  public static final String ENROLLED_SINCE = "enrolled_since";

  // Evaluation against matched controls
  public static final String INDEX_DATE = "index_date";
  public static final String ENROLMENT_PCN = "enrolment_pcn";
  public static final String ROLE = "role";
  public static final String AGE_BAND = "age_band";
  public static final String PROPENSITY = "propensity";
  public static final String PROPENSITY_LOGIT = "propensity_logit";
  public static final String MATCHED_SET = "matched_set";
  public static final String MATCH_ROUND = "match_round";
  public static final String MATCH_DISTANCE = "match_distance";
  public static final String MATCH_WEIGHT = "match_weight";
  public static final String UNMATCHED_REASON = "unmatched_reason";
  public static final String LATER_ENROLMENT = "later_enrolment";
  public static final String WINDOW = "window";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";
  public static final String FOLLOW_UP_END = "follow_up_end";
  public static final String YEARS = "years";
  public static final String DIED = "died";
  public static final String EFI_AT_INDEX = "efi_at_index";
  public static final String EFI_AFTER = "efi_after";
  public static final String EFI_PROGRESSION = "efi_progression";
  public static final String MEASURE = "measure";
  public static final String BREAKDOWN = "breakdown";
  public static final String LEVEL = "level";
  public static final String ESTIMATOR = "estimator";
  public static final String INTERVAL = "interval";
  public static final String ESTIMATE = "estimate";
  public static final String CI_LOW = "ci_low";
  public static final String CI_HIGH = "ci_high";
  public static final String UNIT_OF_MEASURE = "unit";
  public static final String TREATED_MEAN = "treated_mean";
  public static final String CONTROL_MEAN = "control_mean";
  public static final String N_TREATED = "n_treated";
  public static final String N_CONTROL = "n_control";
  public static final String WITHHELD = "withheld";

  // Reach and equity: enrolment among the people on the cohort lists
  public static final String FIRST_LISTED = "first_listed";
  public static final String DAYS_TO_ENROLMENT = "days_to_enrolment";
  public static final String N_LISTED = "n_listed";
  public static final String N_ENROLLED = "n_enrolled";
  public static final String N_ENROLLED_AFTER_LISTING = "n_enrolled_after_listing";
  public static final String N_ENROLLED_NOT_LISTED = "n_enrolled_not_listed";
  public static final String ENROLMENT_RATE = "enrolment_rate";
  public static final String DAYS_TO_ENROLMENT_Q1 = "days_to_enrolment_q1";
  public static final String DAYS_TO_ENROLMENT_MEDIAN = "days_to_enrolment_median";
  public static final String DAYS_TO_ENROLMENT_Q3 = "days_to_enrolment_q3";

  /** Prefix of the 36 eFI deficit flags, e.g. {@code efi_falls}. */
  public static final String EFI_FLAG_PREFIX = "efi_";
}
