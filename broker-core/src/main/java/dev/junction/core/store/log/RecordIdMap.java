package dev.junction.core.store.log;

import io.netty.util.collection.LongObjectHashMap;

/**
 * Record id to value, without boxing. Record ids are nearly consecutive, and Netty's map places a long by its own
 * low bits: a run of ids fills a run of adjacent slots, and every removal then shifts the rest of that run, so
 * releasing many live records one by one took quadratic time. Ids are therefore spread by a multiplication that
 * is a bijection on longs (an odd constant) before they are used as keys, and multiplied back when listed.
 */
final class RecordIdMap<V> {
    /** 2^64 divided by the golden ratio, made odd: invertible modulo 2^64. */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;
    /** Its inverse modulo 2^64. */
    private static final long UNSPREAD = 0xF1DE83E19937733DL;

    private final LongObjectHashMap<V> map = new LongObjectHashMap<>();

    V get(long id) {
        return map.get(id * SPREAD);
    }

    V put(long id, V value) {
        return map.put(id * SPREAD, value);
    }

    V remove(long id) {
        return map.remove(id * SPREAD);
    }

    int size() {
        return map.size();
    }

    /** The ids present, in no particular order. */
    long[] ids() {
        long[] ids = new long[map.size()];
        int count = 0;
        for (long key : map.keySet()) {
            ids[count++] = key * UNSPREAD;
        }
        return ids;
    }
}
