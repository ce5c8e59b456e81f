package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/** A Harmont account with the slug of its personal organization. */
public record User(
    UUID id,
    String email,
    String name,
    UUID personalOrgId,
    String personalOrgSlug,
    Instant createdAt,
    Instant updatedAt) {}
