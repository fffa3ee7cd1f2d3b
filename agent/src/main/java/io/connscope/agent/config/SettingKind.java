package io.connscope.agent.config;

import io.connscope.agent.files.OwnerOnlyFiles;
import java.nio.file.Paths;
import java.util.Locale;

/** What a setting's value must be, and the message for one that is not. */
enum SettingKind {

    BOOLEAN {
        @Override
        String check(String v) {
            return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? null : "is not true or false";
        }
    },
    POSITIVE_INT {
        @Override
        String check(String v) {
            try {
                return Integer.parseInt(v) > 0 ? null : "must be a positive whole number";
            } catch (NumberFormatException e) {
                return "is not a whole number";
            }
        }
    },
    /** 0 or more: 0 turns the feature off. */
    WHOLE_NUMBER {
        @Override
        String check(String v) {
            try {
                return Long.parseLong(v) >= 0 ? null : "must be a whole number >= 0";
            } catch (NumberFormatException e) {
                return "is not a whole number";
            }
        }
    },
    RATIO {
        @Override
        String check(String v) {
            try {
                double d = Double.parseDouble(v);
                return d >= 0 && d <= 1 ? null : "is not a ratio between 0 and 1";
            } catch (NumberFormatException e) {
                return "is not a ratio between 0 and 1";
            }
        }
    },
    /** A number of bytes, with an optional binary suffix: 4194304, 4096k, 4m, 1g. */
    BYTES {
        @Override
        String check(String v) {
            try {
                return bytes(v) > 0 ? null : "must be a positive number of bytes";
            } catch (NumberFormatException e) {
                return "is not a number of bytes (such as 4194304, 4096k, 4m or 1g)";
            }
        }
    },
    PORT {
        @Override
        String check(String v) {
            try {
                int port = Integer.parseInt(v);
                return port >= 1 && port <= 65535 ? null : "is not a port number (1-65535)";
            } catch (NumberFormatException e) {
                return "is not a port number (1-65535)";
            }
        }
    },
    /** Destination patterns: {@link DestinationPattern}'s, separated by commas or spaces. */
    DESTINATIONS {
        @Override
        String check(String v) {
            return FollowRules.destinationsProblem(v);
        }
    },
    /** Ports and port ranges, separated by commas or spaces. */
    PORTS {
        @Override
        String check(String v) {
            return FollowRules.portsProblem(v);
        }
    },
    PATH {
        @Override
        String check(String v) {
            try {
                Paths.get(v);
                return null;
            } catch (RuntimeException e) {
                return "is not a valid path";
            }
        }
    },
    /**
     * A file to write at exit, or empty for none: checked at start-up, so a mistake is not found
     * only when the report is lost.
     */
    FILE {
        @Override
        String check(String v) {
            if (v.isEmpty()) {
                return null;
            }
            String path = PATH.check(v);
            return path != null ? path : OwnerOnlyFiles.problem(Paths.get(v));
        }
    };

    abstract String check(String value);

    /** Parses a {@link #BYTES} value; throws NumberFormatException. */
    static long bytes(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
        long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
        if (n > Long.MAX_VALUE >> 31) {
            throw new NumberFormatException("too large");
        }
        return n << shift;
    }
}
