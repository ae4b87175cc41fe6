package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A recovery visitor that keeps copies of what it was handed, in order. */
final class Recovered implements RecoveryVisitor {

    record Rec(byte type, long id, byte[] body) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Rec r && r.type == type && r.id == id && Arrays.equals(r.body, body);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }

        @Override
        public String toString() {
            return "Rec[type=" + type + ", id=" + id + ", body=" + body.length + " bytes]";
        }
    }

    final List<Rec> records = new ArrayList<>();

    @Override
    public void visit(byte type, long id, ByteBuf body) {
        records.add(new Rec(type, id, ByteBufUtil.getBytes(body)));
    }

    Map<Long, byte[]> bodiesById() {
        Map<Long, byte[]> bodies = new LinkedHashMap<>();
        for (Rec rec : records) {
            bodies.put(rec.id(), rec.body());
        }
        return bodies;
    }

    List<Long> ids() {
        return records.stream().map(Rec::id).toList();
    }
}
