package dev.junction.server.acl;

/** The access word of an ACL line; a line without one grants {@link #READWRITE}, as in Mosquitto. */
public enum AclAccess {
    READ, WRITE, READWRITE, DENY;

    boolean grantsRead() {
        return this == READ || this == READWRITE;
    }

    boolean grantsWrite() {
        return this == WRITE || this == READWRITE;
    }
}
