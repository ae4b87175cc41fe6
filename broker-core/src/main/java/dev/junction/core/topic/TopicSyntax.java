package dev.junction.core.topic;
public enum TopicSyntax { AMQP, MQTT; public boolean isValidFilter(String f) { return true; } }
