package dev.berth.doctor.explain;

import java.util.List;
import java.util.Map;

/**
 * One candidate explanation of a failure seen in a log.
 *
 * @param signature what it matched
 * @param line 1-based line of the first matching log line
 * @param text that log line (trimmed)
 * @param occurrences how many lines matched
 * @param score prior + the weights of the evidence present
 * @param clues the evidence found, as "meaning (line N: …)"
 * @param facts values extracted from the line (principal, reason, versions), may be empty
 * @param rank 1 for the best candidate for this line, 2 for the next …
 */
public record Diagnosis(Signature signature, int line, String text, int occurrences, int score, List<String> clues, Map<String, String> facts, int rank) {
  Diagnosis withRank(int r) {
    return new Diagnosis(signature, line, text, occurrences, score, clues, facts, r);
  }
}
