package dev.junction.core.topic;

/**
 * The literal word of a trie node, stored as its Latin-1 bytes when every char fits in one (almost always: topic
 * words are ids, names and numbers), else as a String. A bare byte array saves the String object around it: 24
 * bytes and one dependent memory load per node on every match.
 */
final class Words {
    private Words() {
    }

    static Object of(String text, int from, int end) {
        byte[] latin1 = new byte[end - from];
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text.substring(from, end);
            }
            latin1[i - from] = (byte) c;
        }
        return latin1;
    }

    static boolean matches(Object word, String text, int from, int end) {
        int length = end - from;
        if (word instanceof byte[] latin1) {
            if (latin1.length != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if ((latin1[i] & 0xFF) != text.charAt(from + i)) {
                    return false;
                }
            }
            return true;
        }
        String string = (String) word;
        return string.length() == length && string.regionMatches(0, text, from, length);
    }

    /** Same value as {@link #hash(String, int, int)} over the text the word was taken from. */
    static int hash(Object word) {
        if (word instanceof byte[] latin1) {
            int hash = 0;
            for (byte b : latin1) {
                hash = 31 * hash + (b & 0xFF);
            }
            return hash;
        }
        return word.hashCode();
    }

    /** The polynomial of {@link String#hashCode()}, over a region, without cutting it out. */
    static int hash(String text, int from, int end) {
        int hash = 0;
        for (int i = from; i < end; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        return hash;
    }
}
