package dev.harmont.server.account;

/** A new service credential and its secret, which exists only here and is shown only once. */
public record CreatedServiceCredential(ServiceCredential credential, String secret) {}
