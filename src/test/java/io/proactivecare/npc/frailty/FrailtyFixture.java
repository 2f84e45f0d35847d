package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Hand-written people for what a generated population does not exercise: CTV3 and Read v2 codes, a
 * Read v2 code with a term code, every kind of value rule at its bounds, sex-specific rules, issues
 * without a BNF code, the first and last days of the polypharmacy window, deaths in hospital,
 * registrations ending and moving on a scoring date, PCN memberships changing, ages at the limits,
 * open spells, spells discharged after the date, and HFRS scores of exactly 5.0 and 15.0.
 *
 * <p>Dates are set around D, the extract date, and D1, the date a year before that is also scored.
 * The people have their own practices (Y99...) and PCNs (U99...), so that appending them to a
 * generated extract changes no generated person.
 */
final class FrailtyFixture {
  static final LocalDate D = LocalDate.of(2025, 3, 31);
  static final LocalDate D1 = LocalDate.of(2024, 3, 31);

  /** Rows per table, in each table's canonical column order (checked against the files). */
  static final Map<String, List<String>> ROWS = new LinkedHashMap<>();

  /** The canonical header of each table. */
  static final Map<String, String> HEADERS =
      Map.of(
          "practice_pcn", "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to",
          "gp_registrations",
              "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,"
                  + "registration_start,registration_end,date_of_death",
          "gp_events", "person_id,event_date,code,code_system,value,unit",
          "gp_medications", "person_id,issue_date,medicine_code,bnf_code",
          "apc_spells",
              "spell_id,person_id,admission_date,discharge_date,admission_method,"
                  + "patient_classification,discharge_method,discharge_destination,"
                  + "provider_code,diagnoses");

  static {
    ROWS.put(
        "practice_pcn",
        List.of(
            "Y99001,Park,U99001,North,2019-07-01,2023-06-30",
            "Y99001,Park,U99002,South,2023-07-01,",
            "Y99002,Hill,U99001,North,2019-07-01,",
            // two memberships in force from 2023-10-01: the later one applies
            "Y99003,Vale,U99001,North,2019-07-01,",
            "Y99003,Vale,U99003,East,2023-10-01,",
            // no PCN until the day after D1
            "Y99004,Moor,U99002,South,2024-04-01,"));
    ROWS.put(
        "gp_registrations",
        List.of(
            "FX-CODES,Y99001,1940,F,,,2010-01-01,,",
            "FX-VALUEM,Y99002,1950,M,,,2010-01-01,,",
            "FX-VALUEF,Y99002,1950,F,,,2010-01-01,,",
            "FX-VALUEI,Y99002,1950,I,,,2010-01-01,,",
            "FX-POLY1,Y99003,1945,F,,,2010-01-01,,",
            "FX-POLY2,Y99003,1945,M,,,2010-01-01,,",
            // died in hospital on D1 (spell FX-S9), not recorded on the GP register
            "FX-DIEDD1,Y99001,1930,F,,,2010-01-01,,",
            // died in hospital (destination 79, FX-S10) before the GP recorded the death
            "FX-DIED79,Y99001,1930,M,,,2010-01-01,2023-10-15,2023-10-15",
            "FX-LEFTD1,Y99002,1950,F,,,2010-01-01,2024-03-31,",
            // moved on D1: the registration starting then wins
            "FX-MOVED1,Y99001,1950,M,,,2010-01-01,2024-03-31,",
            "FX-MOVED1,Y99003,1950,M,,,2024-03-31,,",
            "FX-JOIND1,Y99004,1950,F,,,2024-03-31,,",
            "FX-AGE17,Y99002,2007,M,,,2010-01-01,,",
            "FX-AGE18,Y99002,2006,F,,,2010-01-01,,",
            "FX-AGE64,Y99002,1960,M,,,2010-01-01,,",
            "FX-AGE65,Y99002,1959,F,,,2010-01-01,,",
            "FX-AGE95,Y99002,1929,M,,,2010-01-01,,",
            "FX-AGE96,Y99002,1928,F,,,2010-01-01,,",
            "FX-HFRS1,Y99002,1938,F,,,2010-01-01,,",
            "FX-HFRS2,Y99002,1938,M,,,2010-01-01,,",
            "FX-HFRS3,Y99002,1938,F,,,2010-01-01,,"));
    ROWS.put(
        "gp_events",
        List.of(
            "FX-CODES,2020-05-01,663e0,CTV3,,", // respiratory disease, CTV3 list only
            "FX-CODES,2017-01-01,663e0,READ2,,", // not a Read v2 code of any deficit
            "FX-CODES,2021-06-01,133P.,READ2,,", // social vulnerability, Read v2 list only
            "FX-CODES,2016-01-01,133P.,CTV3,,", // not a CTV3 code of any deficit
            "FX-CODES,2019-01-01,C104.00,READ2,,", // C104. with a term code: no exact match
            "FX-CODES,2024-03-31,1201005,SNOMED,,", // hypertension on D1
            "FX-CODES,2024-04-01,420279001,SNOMED,,", // CKD and diabetes, the day after D1
            "FX-CODES,2025-03-31,161898004,SNOMED,,", // falls on D
            "FX-CODES,2022-02-02,185347001,SNOMED,,", // in no deficit
            "FX-VALUEM,2023-01-01,1011481000000105,SNOMED,60.0,mL/min", // eGFR not below 60
            "FX-VALUEM,2023-06-01,1011481000000105,SNOMED,59.9,mL/min", // eGFR below 60: CKD
            "FX-VALUEM,2023-02-01,271026005,SNOMED,120,g/L", // men: anaemia below 130 g/L
            "FX-VALUEM,2022-01-01,39F..,READ2,18.1,", // Barthel not below 18.1
            "FX-VALUEM,2024-03-31,39F..,READ2,18.0,", // Barthel below 18.1, on D1
            "FX-VALUEM,2022-01-01,XaP9J,CTV3,,", // AF risk score without a value
            "FX-VALUEM,2023-03-01,XaP9J,CTV3,0,", // AF risk score, any value
            "FX-VALUEM,2022-01-01,XE2wy,CTV3,0,", // TSH 0: not strictly between 0 and 0.36
            "FX-VALUEM,2022-02-01,XE2wy,CTV3,5.5,", // TSH 5.5: not above 5.5
            "FX-VALUEM,2025-02-01,XE2wy,CTV3,5.6,", // TSH above 5.5: thyroid disease
            "FX-VALUEM,2022-03-01,XaISO,CTV3,0,", // falls in the last 12 months: 0
            "FX-VALUEM,2024-04-01,XaISO,CTV3,1,", // falls in the last 12 months: 1
            "FX-VALUEF,2023-01-01,271026005,SNOMED,120,g/L", // women: not below 115 g/L
            "FX-VALUEF,2024-04-15,271026005,SNOMED,110,g/L", // women: anaemia
            "FX-VALUEI,2023-01-01,271026005,SNOMED,100,g/L", // no haemoglobin rule for sex I
            "FX-VALUEI,2023-01-01,1011481000000105,SNOMED,30,mL/min", // eGFR: any sex
            "FX-AGE65,2015-01-01,1201005,SNOMED,,",
            "FX-AGE18,2024-09-30,161898004,SNOMED,,",
            "FX-DIEDD1,2020-01-01,1201005,SNOMED,,",
            "FX-DIED79,2020-01-01,1201005,SNOMED,,",
            "FX-MOVED1,2020-01-01,1201005,SNOMED,,"));
    ROWS.put(
        "gp_medications",
        List.of(
            // FX-POLY1: four substances on 2023-10-01 (two presentations of the first)...
            "FX-POLY1,2023-10-01,320000009,0212000B0AAABAB",
            "FX-POLY1,2023-10-01,320000010,0212000B0AAACAC",
            "FX-POLY1,2023-10-01,318420003,0205051R0",
            "FX-POLY1,2023-10-01,317896006,0206020A0",
            "FX-POLY1,2023-10-01,325278003,0601022B0",
            // ...one without a BNF code 366 days before D1, another 365 days before D1
            "FX-POLY1,2023-03-31,999999001,",
            "FX-POLY1,2023-04-01,999999002,",
            // ...a fifth substance while the four still count: a second period
            "FX-POLY1,2024-06-01,322236009,0407010H0",
            // ...and the four again: a third period, still running after the extract date
            "FX-POLY1,2025-01-10,320000009,0212000B0AAABAB",
            "FX-POLY1,2025-01-10,318420003,0205051R0",
            "FX-POLY1,2025-01-10,317896006,0206020A0",
            "FX-POLY1,2025-01-10,325278003,0601022B0",
            // FX-POLY2: one medicine with and without a BNF code counts twice (substance)
            "FX-POLY2,2024-11-01,320000009,0212000B0AAABAB",
            "FX-POLY2,2024-11-02,320000009,",
            "FX-POLY2,2024-11-01,318420003,0205051R0",
            "FX-POLY2,2024-11-01,317896006,0206020A0",
            "FX-POLY2,2024-11-01,325278003,0601022B0",
            "FX-AGE64,2024-12-31,320000009,0212000B0"));
    ROWS.put(
        "apc_spells",
        List.of(
            // FX-HFRS1 at D: S1 (admitted D - 730), S3, S5, S6 count: F00 7.1 + G81 4.4
            // + F05 3.2 + K52 0.3 = 15.0, intermediate. At D1: S1, S2, S11 (admitted D1 - 730):
            // F00 + G81 + R29 3.6 + E55 1.0 = 16.1, high; not S12 (D1 - 731), S5 (discharged
            // after D1).
            "FX-S1,FX-HFRS1,2023-04-01,2023-04-06,21,1,1,19,RR8,F00;G81X",
            "FX-S2,FX-HFRS1,2023-03-31,2023-04-20,21,1,1,19,RR8,R29",
            "FX-S3,FX-HFRS1,2025-01-10,2025-01-20,21,1,1,19,RR8,F059;I10;F00",
            "FX-S4,FX-HFRS1,2025-03-01,,21,1,8,98,RR8,R54",
            "FX-S5,FX-HFRS1,2024-03-20,2024-04-05,21,1,1,19,RR8,K52",
            "FX-S6,FX-HFRS1,2024-05-01,2024-05-02,11,2,1,19,RR8,",
            "FX-S11,FX-HFRS1,2022-04-01,2022-04-03,21,1,1,19,RR8,E55",
            "FX-S12,FX-HFRS1,2022-03-31,2022-04-03,21,1,1,19,RR8,E05",
            // FX-HFRS2: G30 4.0 + E55 1.0 = 5.0; FX-HFRS3: G30 + E05 0.9 = 4.9
            "FX-S7,FX-HFRS2,2024-06-01,2024-06-05,21,1,1,19,RR8,G30;E55",
            "FX-S8,FX-HFRS3,2024-06-01,2024-06-05,21,1,1,19,RR8,G30;E05",
            "FX-S9,FX-DIEDD1,2024-03-20,2024-03-31,21,1,4,79,RR8,F00",
            "FX-S10,FX-DIED79,2023-09-20,2023-09-30,21,1,1,79,RR8,R29"));
  }

  private FrailtyFixture() {}

  /**
   * Appends the rows to the gzipped CSV files of a generated extract, as one more gzip member each
   * (a file of several members is one gzip file, as the generator itself writes them), after
   * checking that each file's header is the one the rows are written for.
   */
  static void appendTo(Path extract) throws IOException {
    for (Map.Entry<String, List<String>> t : ROWS.entrySet()) {
      Path file = extract.resolve(t.getKey() + ".csv.gz");
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
        assertEquals(HEADERS.get(t.getKey()), in.readLine(), file.toString());
      }
      try (OutputStream out =
          new GZIPOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND))) {
        out.write((String.join("\n", t.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Whether a person, spell or practice is one of the fixture's. */
  static boolean isFixture(String id) {
    return id.startsWith("FX-") || id.startsWith("Y99");
  }
}
