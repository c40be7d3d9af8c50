package org.redtrove.common;

/**
 * Redis's glob patterns, as PSUBSCRIBE matches them (util.c stringmatchlen): {@code *}, {@code ?},
 * {@code [abc]}, {@code [^a-z]} and {@code \} to escape. node-redis subscribes to
 * {@code [-+]sdown}, Lettuce to {@code *}; also the key patterns of replication tasks.
 */
public final class Glob {

    private Glob() {
    }

    /**
     * What makes a pattern one that a user surely did not mean, or empty when it has none: Redis
     * itself takes any pattern (an unclosed {@code [} as a literal), but a filter that silently
     * matches something else loses data, so copies and tasks refuse these.
     */
    public static java.util.Optional<String> problem(String pattern) {
        if (pattern.isEmpty()) {
            return java.util.Optional.of("is empty");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 == pattern.length()) {
                    return java.util.Optional.of("ends with a lone '\\'");
                }
                i++;
            } else if (c == '[') {
                int end = classEnd(pattern, i);
                if (end < 0) {
                    return java.util.Optional.of("has a '[' that is never closed");
                }
                i = end;
            }
        }
        return java.util.Optional.empty();
    }

    public static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (match(p, pi + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    int end = classEnd(p, pi);
                    if (end < 0) { // an unclosed class is a literal '[', as Redis reads it to the end
                        if (s.charAt(si) != '[') {
                            return false;
                        }
                        si++;
                    } else {
                        if (!inClass(p, pi + 1, end, s.charAt(si))) {
                            return false;
                        }
                        si++;
                        pi = end;
                    }
                }
                case '\\' -> {
                    if (pi + 1 < p.length()) {
                        pi++;
                    }
                    if (si >= s.length() || s.charAt(si) != p.charAt(pi)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return si == s.length();
    }

    /** The index of the ']' closing the class opened at {@code open}, or -1. */
    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        for (; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    private static boolean inClass(String p, int from, int end, char c) {
        boolean negate = from < end && p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean found = false;
        while (i < end) {
            char a = p.charAt(i);
            if (a == '\\' && i + 1 < end) {
                found |= p.charAt(i + 1) == c;
                i += 2;
            } else if (i + 2 < end && p.charAt(i + 1) == '-') {
                char b = p.charAt(i + 2);
                char lo = (char) Math.min(a, b);
                char hi = (char) Math.max(a, b);
                found |= c >= lo && c <= hi;
                i += 3;
            } else {
                found |= a == c;
                i++;
            }
        }
        return negate != found;
    }
}
