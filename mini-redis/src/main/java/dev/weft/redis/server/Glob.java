package dev.weft.redis.server;

/**
 * Redis's glob patterns (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET): {@code *} any run of characters,
 * {@code ?} any one, {@code [abc]}, {@code [^abc]} and {@code [a-z]} a class, {@code \x} the character x.
 * Keys and patterns are Latin-1 strings, one char per byte.
 */
final class Glob {
    private Glob() {
    }

    /**
     * Whether {@code text} matches {@code pattern}. Linear in practice: on a mismatch it backtracks only
     * to the last {@code *} (every other token matches exactly one character, so that is enough).
     */
    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = -1;
        int pn = pattern.length();
        int tn = text.length();
        while (t < tn) {
            if (p < pn && pattern.charAt(p) == '*') {
                while (p < pn && pattern.charAt(p) == '*') {
                    p++;
                }
                if (p == pn) {
                    return true;
                }
                starP = p;
                starT = t;
                continue;
            }
            int next = p < pn ? matchOne(pattern, p, text.charAt(t)) : -1;
            if (next >= 0) {
                p = next;
                t++;
            } else if (starP >= 0) {
                p = starP;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pn && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pn;
    }

    /** Where the pattern goes on if its token at {@code p} matches {@code c}; -1 if it does not. */
    private static int matchOne(String pattern, int p, char c) {
        int pn = pattern.length();
        char pc = pattern.charAt(p);
        if (pc == '?') {
            return p + 1;
        }
        if (pc == '\\' && p + 1 < pn) {
            return pattern.charAt(p + 1) == c ? p + 2 : -1;
        }
        if (pc != '[') {
            return pc == c ? p + 1 : -1;
        }
        int i = p + 1;
        boolean negate = i < pn && pattern.charAt(i) == '^';
        if (negate) {
            i++;
        }
        boolean hit = false;
        while (i < pn && pattern.charAt(i) != ']') {
            char lo = pattern.charAt(i);
            if (lo == '\\' && i + 1 < pn) {
                hit |= pattern.charAt(i + 1) == c;
                i += 2;
            } else if (i + 2 < pn && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
                char hi = pattern.charAt(i + 2);
                hit |= lo <= hi ? lo <= c && c <= hi : hi <= c && c <= lo;
                i += 3;
            } else {
                hit |= lo == c;
                i++;
            }
        }
        // An unclosed class runs to the end of the pattern, as in Redis.
        return hit != negate ? Math.min(i + 1, pn) : -1;
    }
}
