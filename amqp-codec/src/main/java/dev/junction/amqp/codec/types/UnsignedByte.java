package dev.junction.amqp.codec.types;

/** A field value of type 'B' (unsigned 8-bit), kept distinct from 'b' so it encodes back to the same tag. */
public record UnsignedByte(int value) {

    public UnsignedByte {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("unsigned byte out of range: " + value);
        }
    }
}
