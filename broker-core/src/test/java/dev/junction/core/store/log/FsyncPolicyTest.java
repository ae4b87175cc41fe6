package dev.junction.core.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsyncPolicyTest {

    @Test
    void parsesTheThreeForms() {
        assertSame(FsyncPolicy.ALWAYS, FsyncPolicy.parse("always"));
        assertSame(FsyncPolicy.NEVER, FsyncPolicy.parse("never"));
        assertEquals(new FsyncPolicy.Interval(Duration.ofMillis(250)), FsyncPolicy.parse("interval:250"));
        assertEquals(new FsyncPolicy.Interval(Duration.ofHours(1)), FsyncPolicy.parse("interval:3600000"));
    }

    @Test
    void printsWhatItParses() {
        for (String text : new String[] {"always", "never", "interval:1", "interval:100"}) {
            assertEquals(text, FsyncPolicy.parse(text).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Always", " always", "sometimes", "interval", "interval:", "interval:0", "interval:-5",
            "interval:+5", "interval:5ms", "interval:3600001", "interval:99999999999", "interval: 5"})
    void rejectsAnythingElseNamingTheAcceptedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("always, never or interval:<milliseconds>"), e.getMessage());
    }

    @Test
    void rejectsMissingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(null));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
