package io.proactivecare.npc.config;

/**
 * Options of the ingest validation rules (docs/data-contracts.md says which rule each affects).
 *
 * @param checkPersonReferences quarantine rows whose person is absent from the same extract's
 *     accepted GP registrations (UNKNOWN_PERSON); skipped when the extract has no registrations
 * @param checkPracticeReferences quarantine registrations whose practice, and enrolments whose PCN,
 *     are absent from the same extract's practice-to-PCN reference
 * @param earliestDate dates before this are refused as implausible (OUT_OF_RANGE)
 */
public record IngestSettings(
    boolean checkPersonReferences,
    boolean checkPracticeReferences,
    java.time.LocalDate earliestDate) {}
