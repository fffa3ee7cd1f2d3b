package io.connscope.agent.config;

/** Host-name globs: {@code *} matches any run of characters (dots too), {@code ?} one; case-insensitive. */
final class Globs {

    private Globs() {
    }

    /**
     * Whether {@code text} matches {@code glob} (lower case): the classic greedy walk that backs up to
     * the last {@code *}, linear in practice and allocation-free.
     */
    static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            char c = Character.toLowerCase(text.charAt(t));
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == c)) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
