package dev.junction.core.queue;

/**
 * A queue would not take a message: it is at a limit with {@code x-overflow = reject-publish}, or it was deleted
 * while the message was on its way. Reported to publishers that wait for acceptance, never thrown.
 */
public final class PublishRefused extends Exception {
    public PublishRefused(String message) {
        super(message, null, false, false);
    }
}
