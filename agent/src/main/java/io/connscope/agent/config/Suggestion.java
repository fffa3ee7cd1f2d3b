package io.connscope.agent.config;

import java.util.Collection;

/**
 * The known name a misspelt one most likely meant: "connscope.report.flie" is
 * "connscope.report.file". By edit distance (Levenshtein), within a quarter of the name's length
 * and at most 4 edits, so that a name unlike any known one gets the whole list instead of a guess.
 */
final class Suggestion {

    private Suggestion() {
    }

    /** The closest of {@code known}, or null when none is close enough. */
    static String closest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Math.min(4, Math.max(1, name.length() / 4)) + 1;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
