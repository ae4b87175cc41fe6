package dev.junction.core.queue;

import java.util.Arrays;

/**
 * The paged-out messages of one priority level of a queue, oldest first, as a few numbers each in blocks of
 * primitive arrays: the entry id, the store record to read the message back from, the expiry deadline, the body
 * size, flags and granted QoS (32 bytes), and one reference slot (4 bytes with compressed references) for what the queue must
 * hold meanwhile: the message while its page record is written or once it was read back, or the store handle its
 * durable queues share. No object per message, so a long backlog costs tens of bytes a message in the heap.
 *
 * <p>Slots are addressed by sequence number, which only grows, so a store callback can tell whether the slot it was
 * given is still there ({@link #contains}). Touched on the queue's shard thread only.
 */
final class PagedTail {
    static final int REDELIVERED = 1;
    static final int EXPIRES = 1 << 1;
    /** The record is a page record the queue wrote and must release. */
    static final int PAGE_RECORD = 1 << 2;
    static final int READING = 1 << 3;
    /** Dropped where it stands (its message could not be read back); skipped when it reaches the head. */
    static final int GONE = 1 << 4;
    /** Two bits above the flags: the entry's granted QoS plus one (0: granted by no MQTT subscription). */
    private static final int GRANT_SHIFT = 5;
    private static final int GRANT_MASK = 0b11;

    private static final int BLOCK_SHIFT = 9;
    private static final int BLOCK_SLOTS = 1 << BLOCK_SHIFT;
    private static final int SLOT_MASK = BLOCK_SLOTS - 1;
    private static final int ENTRY_ID = 0;
    private static final int RECORD_ID = 1;
    private static final int EXPIRES_AT = 2;
    /** Body size in the low 32 bits, flags in the high ones. */
    private static final int SIZE_AND_FLAGS = 3;
    private static final int FIELDS = 4;

    private static final class Block {
        final long[] fields = new long[FIELDS * BLOCK_SLOTS];
        final Object[] held = new Object[BLOCK_SLOTS];
    }

    /** Indexed by block number modulo the length (a power of two), which covers every block in use. */
    private Block[] blocks = new Block[2];
    private long head;
    private long end;
    /** Slots before it were asked to be read back, or hold their message, or are gone. */
    private long unread;

    boolean isEmpty() {
        return head == end;
    }

    long head() {
        return head;
    }

    long end() {
        return end;
    }

    boolean contains(long seq) {
        return seq >= head && seq < end;
    }

    /** Returns the new slot's sequence number. */
    long append(long entryId, long recordId, int bodySize, int flags, int grantedQos, long expiresAtNanos,
                Object held) {
        long seq = end;
        if ((seq & SLOT_MASK) == 0) {
            addBlock(seq >>> BLOCK_SHIFT);
        }
        Block block = block(seq);
        int base = FIELDS * (int) (seq & SLOT_MASK);
        block.fields[base + ENTRY_ID] = entryId;
        block.fields[base + RECORD_ID] = recordId;
        block.fields[base + EXPIRES_AT] = expiresAtNanos;
        int flagsAndGrant = flags | (grantedQos + 1 & GRANT_MASK) << GRANT_SHIFT;
        block.fields[base + SIZE_AND_FLAGS] = (long) flagsAndGrant << 32 | bodySize & 0xFFFFFFFFL;
        block.held[(int) (seq & SLOT_MASK)] = held;
        end++;
        return seq;
    }

    private void addBlock(long number) {
        long first = head >>> BLOCK_SHIFT;
        if (number - first >= blocks.length) {
            Block[] grown = new Block[blocks.length * 2];
            for (long n = first; n < number; n++) {
                grown[(int) (n & (grown.length - 1))] = blocks[(int) (n & (blocks.length - 1))];
            }
            blocks = grown;
        }
        blocks[(int) (number & (blocks.length - 1))] = new Block();
    }

    private Block block(long seq) {
        return blocks[(int) ((seq >>> BLOCK_SHIFT) & (blocks.length - 1))];
    }

    private long field(long seq, int field) {
        return block(seq).fields[FIELDS * (int) (seq & SLOT_MASK) + field];
    }

    long entryId(long seq) {
        return field(seq, ENTRY_ID);
    }

    long recordId(long seq) {
        return field(seq, RECORD_ID);
    }

    long expiresAtNanos(long seq) {
        return field(seq, EXPIRES_AT);
    }

    int bodySize(long seq) {
        return (int) field(seq, SIZE_AND_FLAGS);
    }

    int grantedQos(long seq) {
        return (int) (field(seq, SIZE_AND_FLAGS) >>> 32 + GRANT_SHIFT & GRANT_MASK) - 1;
    }

    boolean has(long seq, int flag) {
        return (field(seq, SIZE_AND_FLAGS) >>> 32 & flag) != 0;
    }

    void set(long seq, int flag, boolean on) {
        long[] fields = block(seq).fields;
        int index = FIELDS * (int) (seq & SLOT_MASK) + SIZE_AND_FLAGS;
        long bit = (long) flag << 32;
        fields[index] = on ? fields[index] | bit : fields[index] & ~bit;
    }

    boolean isExpired(long seq, long nowNanos) {
        return has(seq, EXPIRES) && expiresAtNanos(seq) - nowNanos <= 0;
    }

    Object held(long seq) {
        return block(seq).held[(int) (seq & SLOT_MASK)];
    }

    void hold(long seq, Object held) {
        block(seq).held[(int) (seq & SLOT_MASK)] = held;
    }

    long unread() {
        return Math.max(unread, head);
    }

    void unread(long seq) {
        unread = seq;
    }

    /** Removes the head slot, then any gone ones behind it, so that a non-empty tail never starts with a gone one. */
    void removeHead() {
        hold(head, null);
        advance();
        dropGoneHeads();
    }

    void dropGoneHeads() {
        while (head != end && has(head, GONE)) {
            hold(head, null);
            advance();
        }
    }

    private void advance() {
        head++;
        if (head == end) {
            clear();
        } else if ((head & SLOT_MASK) == 0) {
            blocks[(int) (((head >>> BLOCK_SHIFT) - 1) & (blocks.length - 1))] = null;
        }
    }

    /** Drops every slot (their messages and records are dealt with by the caller). */
    void clear() {
        Arrays.fill(blocks, null);
        // The next append starts a block of its own.
        head = end = (end + SLOT_MASK) & ~SLOT_MASK;
    }
}
