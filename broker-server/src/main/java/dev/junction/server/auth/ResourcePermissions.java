package dev.junction.server.auth;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One user's RabbitMQ permission triple on one vhost: three regular expressions over resource (exchange and queue)
 * names, for configure (declare, delete), write (publish, bind as destination) and read (consume, get, purge, bind
 * as source). Compiled once. As in RabbitMQ, a pattern grants a name if it matches anywhere in it (anchor with
 * {@code ^...$} for whole names), and the empty pattern grants nothing (RabbitMQ reads it as {@code ^$}, which
 * only the empty name could match, and no resource is checked under that name).
 */
public final class ResourcePermissions {
    /** Everything, as {@code ".*" ".*" ".*"}. */
    public static final ResourcePermissions ALL = new ResourcePermissions(".*", ".*", ".*");
    /** Nothing: what a user without an entry for the vhost has. */
    public static final ResourcePermissions NONE = new ResourcePermissions("", "", "");

    /** Null for the empty pattern. */
    private final Pattern configure;
    private final Pattern write;
    private final Pattern read;

    /** @throws IllegalArgumentException naming the permission whose pattern does not compile */
    public ResourcePermissions(String configure, String write, String read) {
        this.configure = compile("configure", configure);
        this.write = compile("write", write);
        this.read = compile("read", read);
    }

    private static Pattern compile(String permission, String regex) {
        try {
            return regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid " + permission + " permission pattern '" + regex + "': "
                    + e.getDescription(), e);
        }
    }

    public boolean mayConfigure(String name) {
        return grants(configure, name);
    }

    public boolean mayWrite(String name) {
        return grants(write, name);
    }

    public boolean mayRead(String name) {
        return grants(read, name);
    }

    private static boolean grants(Pattern pattern, String name) {
        return pattern != null && pattern.matcher(name).find();
    }

    @Override
    public String toString() {
        return "configure '" + text(configure) + "', write '" + text(write) + "', read '" + text(read) + "'";
    }

    private static String text(Pattern pattern) {
        return pattern == null ? "" : pattern.pattern();
    }
}
