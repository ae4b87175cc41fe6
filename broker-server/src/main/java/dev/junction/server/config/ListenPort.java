package dev.junction.server.config;

/**
 * Where a listener binds. In config text: {@code 0} disables the listener, {@code 1..65535} is a fixed port and
 * {@code ephemeral} lets the operating system choose a free one (tests read the result from the running server).
 */
public record ListenPort(boolean enabled, int bindPort) {
    public static final ListenPort DISABLED = new ListenPort(false, 0);
    public static final ListenPort EPHEMERAL = new ListenPort(true, 0);

    public static ListenPort fixed(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new ListenPort(true, port);
    }

    static ValueParser<ListenPort> parser() {
        return text -> {
            if (text.equals("ephemeral")) {
                return EPHEMERAL;
            }
            int port = ValueParsers.integer(0, 65535).parse(text);
            return port == 0 ? DISABLED : fixed(port);
        };
    }
}
