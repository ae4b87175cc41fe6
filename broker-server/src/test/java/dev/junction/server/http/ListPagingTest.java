package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.ctl.JunctionCtl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RabbitMQ's paging, filtering and column parameters of list answers, and the cap on unpaged ones. */
class ListPagingTest {
    private static final int MAX_UNPAGED = 5;

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture(config -> config
            .with(ConfigKeys.HTTP_MAX_UNPAGED_ITEMS, MAX_UNPAGED));

    @BeforeEach
    void queues() throws Exception {
        Channel channel = broker.amqp().createChannel();
        for (String name : List.of("page-a1", "page-a2", "page-a3", "page-a4", "page-a5", "other-1", "other-2")) {
            channel.queueDeclare(name, true, false, false, null);
        }
    }

    @Test
    void aPageCountsWhatTheFilterKeptAndWhatThereIs() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int page = 1; page <= 3; page++) {
            JsonNode answer = broker.get("/api/queues?page=" + page + "&page_size=2&name=PAGE-A");
            assertEquals(5, answer.get("filtered_count").asInt(), answer.toString());
            assertEquals(7, answer.get("total_count").asInt());
            assertEquals(3, answer.get("page_count").asInt());
            assertEquals(2, answer.get("page_size").asInt());
            assertEquals(page, answer.get("page").asInt());
            assertEquals(page < 3 ? 2 : 1, answer.get("item_count").asInt());
            answer.get("items").forEach(item -> seen.add(item.get("name").asText()));
        }
        assertEquals(Set.of("page-a1", "page-a2", "page-a3", "page-a4", "page-a5"), seen);
        JsonNode regex = broker.get("/api/queues?page=1&name=%5Eother-%5Cd%24&use_regex=true");
        assertEquals(2, regex.get("filtered_count").asInt(), regex.toString());
        assertEquals(100, regex.get("page_size").asInt());
    }

    @Test
    void columnsAndDisableStatsShapeEachItem() throws Exception {
        JsonNode page = broker.get("/api/queues?page=1&page_size=500&columns=name,vhost&name=other-1");
        assertEquals("[{\"name\":\"other-1\",\"vhost\":\"/\"}]", page.get("items").toString());
        JsonNode unpaged = broker.get("/api/exchanges?columns=name&name=amq.topic");
        assertEquals("[{\"name\":\"amq.topic\"}]", unpaged.toString());
        JsonNode withoutStats = broker.get("/api/queues?page=1&disable_stats=true&name=other-2");
        JsonNode item = withoutStats.get("items").get(0);
        assertEquals("other-2", item.get("name").asText());
        assertFalse(item.has("messages"), item.toString());
        assertTrue(item.has("durable"), item.toString());
    }

    @Test
    void badParametersAndHugeUnpagedListsAre400() throws Exception {
        for (String query : List.of("page=1&page_size=501", "page=0", "page=9", "page=x",
                "page=1&name=(&use_regex=true")) {
            HttpResponse<String> response = broker.send("GET", "/api/queues?" + query, null);
            assertEquals(400, response.statusCode(), query + ": " + response.body());
        }
        HttpResponse<String> unpaged = broker.send("GET", "/api/queues", null);
        assertEquals(400, unpaged.statusCode(), unpaged.body());
        assertTrue(unpaged.body().contains("page_size=500"), unpaged.body());
        assertEquals(200, broker.send("GET", "/api/queues?name=other", null).statusCode(),
                "an unpaged list filtered below the cap is answered");
    }

    @Test
    void aManagementUsersPagesHoldAndCountOnlyItsVhosts() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/vhosts/other", null).statusCode());
        assertEquals(201, broker.send("PUT", "/api/queues/other/page-hidden", "{}").statusCode());
        assertEquals(201, broker.send("PUT", "/api/users/mgmt", "{\"password\":\"pw\",\"tags\":\"management\"}")
                .statusCode());
        assertEquals(201, broker.send("PUT", "/api/permissions/%2F/mgmt",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode());
        HttpResponse<String> response = broker.send("GET", "/api/queues?page=1&name=page-", null, "mgmt", "pw");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode page = ManagementFixture.json(response);
        assertEquals(5, page.get("filtered_count").asInt(), page.toString());
        assertEquals(7, page.get("total_count").asInt(), page.toString());
        assertFalse(response.body().contains("page-hidden"), response.body());
    }

    @Test
    void junctionCtlListsEveryItemOfAListLongerThanTheUnpagedCap() {
        StringWriter out = new StringWriter();
        CommandLine ctl = JunctionCtl.commandLine();
        ctl.setOut(new PrintWriter(out));
        ctl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, ctl.execute("--url", broker.baseUrl(), "list", "queues"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(8, lines.size(), out.toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("/\tpage-a3\t0\t")), out.toString());
    }
}
