package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of SCRAM-SHA-256 for HiveMQ's MQTT 5 client, with ongres' SCRAM client: what a device using
 * enhanced authentication does. The user and password may change between logins, for re-authentication tests. It
 * accepts the server only when the server-final-message proves the server knows the user's keys.
 */
final class ScramClientMechanism implements Mqtt5EnhancedAuthMechanism {
    private final String method;
    private volatile String user;
    private volatile String password;
    private ScramClient scram;
    /** Whether the last server-final-message carried a valid server signature. */
    volatile boolean serverVerified;
    volatile Mqtt5Disconnect reAuthRejection;

    ScramClientMechanism(String user, String password) {
        this("SCRAM-SHA-256", user, password);
    }

    ScramClientMechanism(String method, String user, String password) {
        this.method = method;
        this.user = user;
        this.password = password;
    }

    void credentials(String newUser, String newPassword) {
        user = newUser;
        password = newPassword;
    }

    @Override
    public MqttUtf8String getMethod() {
        return MqttUtf8String.of(method);
    }

    @Override
    public int getTimeout() {
        return 60;
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                          Mqtt5EnhancedAuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                 Mqtt5AuthBuilder answer) {
        try {
            scram.serverFirstMessage(text(auth.getData()));
        } catch (ScramException e) {
            return CompletableFuture.completedFuture(false);
        }
        answer.data(scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        return CompletableFuture.completedFuture(verifyServer(connAck.getEnhancedAuth()
                .flatMap(Mqtt5EnhancedAuth::getData)));
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
        return CompletableFuture.completedFuture(verifyServer(auth.getData()));
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
        reAuthRejection = disconnect;
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    private byte[] clientFirst() {
        serverVerified = false;
        scram = ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256")).username(user)
                .password(password.toCharArray()).build();
        return scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8);
    }

    private boolean verifyServer(Optional<ByteBuffer> serverFinal) {
        try {
            scram.serverFinalMessage(text(serverFinal));
            serverVerified = true;
        } catch (ScramException | RuntimeException e) {
            serverVerified = false;
        }
        return serverVerified;
    }

    private static String text(Optional<ByteBuffer> data) {
        ByteBuffer buffer = data.orElseThrow().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
