package dev.junction.amqp.codec.types;

/** A field value of type 'u' (unsigned 16-bit), kept distinct from 's' so it encodes back to the same tag. */
public record UnsignedShort(int value) {

    public UnsignedShort {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("unsigned short out of range: " + value);
        }
    }
}
