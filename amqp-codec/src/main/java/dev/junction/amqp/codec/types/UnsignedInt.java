package dev.junction.amqp.codec.types;

/** A field value of type 'i' (unsigned 32-bit), kept distinct from 'I' so it encodes back to the same tag. */
public record UnsignedInt(long value) {

    public UnsignedInt {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("unsigned int out of range: " + value);
        }
    }
}
