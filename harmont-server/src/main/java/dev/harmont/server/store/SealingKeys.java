package dev.harmont.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal what the database must keep but nobody may read there (the outbox's messages,
 * which carry one-time links): AES-256-GCM from the JDK, a random 96-bit nonce per message, and the
 * row's identity as associated data, so a sealed value cannot be moved to another row.
 *
 * <p>A key file ({@code --secret-key-file}) holds one key per line, each 32 random bytes in base64;
 * lines starting with {@code #} and blank lines are ignored. The first key seals; every key opens.
 * To rotate, put a new key on the first line and keep the old ones below it until nothing sealed
 * under them is left. A key is named by its id, a hash of it ({@code key_id} in a row), never by
 * itself.
 */
public final class SealingKeys {
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  // Key id -> key, the sealing key first.
  private final Map<String, SecretKeySpec> keys;
  private final String currentId;
  private final String origin;

  private SealingKeys(List<byte[]> rawKeys, String origin) {
    if (rawKeys.isEmpty()) {
      throw new IllegalArgumentException("no key in " + origin);
    }
    Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
    for (byte[] raw : rawKeys) {
      byId.putIfAbsent(idOf(raw), new SecretKeySpec(raw, "AES"));
    }
    this.keys = Map.copyOf(byId);
    this.currentId = idOf(rawKeys.getFirst());
    this.origin = origin;
  }

  /** A key made now and kept in memory only: what it seals cannot be opened after a restart. */
  public static SealingKeys ephemeral() {
    return new SealingKeys(List.of(newKey()), "memory (not kept)");
  }

  /** Keys given as they are (for tests): the first seals. */
  public static SealingKeys of(byte[]... rawKeys) {
    List<byte[]> list = new ArrayList<>();
    for (byte[] raw : rawKeys) {
      if (raw.length != KEY_BYTES) {
        throw new IllegalArgumentException("a key has " + KEY_BYTES + " bytes");
      }
      list.add(raw.clone());
    }
    return new SealingKeys(list, "the given keys");
  }

  /**
   * Reads the keys in {@code file}.
   *
   * @throws IllegalArgumentException when the file cannot be read or a line is not a key, with a
   *     message that says which and how to make one
   */
  public static SealingKeys load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the secret key file " + file + " (" + e.getMessage() + ").", e);
    }
    List<byte[]> raw = new ArrayList<>();
    int lineNumber = 0;
    for (String line : text.split("\n", -1)) {
      lineNumber++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(t);
      } catch (IllegalArgumentException e) {
        key = new byte[0];
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "Line "
                + lineNumber
                + " of the secret key file "
                + file
                + " is not a key: each key is "
                + KEY_BYTES
                + " random bytes in base64 on a line of its own"
                + " (make one with: head -c 32 /dev/urandom | base64).");
      }
      raw.add(key);
    }
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(
          "The secret key file "
              + file
              + " holds no key (make one with: head -c 32 /dev/urandom | base64).");
    }
    return new SealingKeys(raw, file.toString());
  }

  /**
   * Reads the keys in {@code file}, first creating it readable by its owner only, with a new key,
   * when it does not exist (the embedded database's default, beside the database file).
   */
  public static SealingKeys loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      String content =
          "# Seals the mail outbox of the database beside this file. Keep it with the database"
              + " (and its backups)\n# and secret: whoever has both can read queued messages.\n"
              + Base64.getEncoder().encodeToString(newKey())
              + "\n";
      Path dir = file.toAbsolutePath().getParent();
      Path temporary = null;
      try {
        Files.createDirectories(dir);
        // Written aside, then linked in place: another process starting at the same moment sees
        // either no file or a whole one, and the link never replaces a key that exists.
        try {
          temporary =
              Files.createTempFile(
                  dir,
                  ".harmont-key-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          temporary = Files.createTempFile(dir, ".harmont-key-", ".tmp");
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        try {
          Files.createLink(file, temporary);
        } catch (UnsupportedOperationException noHardLinks) {
          Files.move(temporary, file); // never replaces an existing file either
        }
      } catch (FileAlreadyExistsException raced) {
        // Another process made it first: use theirs.
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the secret key file " + file, e);
      } finally {
        if (temporary != null) {
          try {
            Files.deleteIfExists(temporary);
          } catch (IOException ignored) {
            // A stray temporary file holds a key nobody uses.
          }
        }
      }
    }
    return load(file);
  }

  /** The id of the key that seals: stored beside what it sealed. */
  public String currentId() {
    return currentId;
  }

  /** The ids of every key that opens. */
  public Set<String> ids() {
    return keys.keySet();
  }

  /** Where the keys come from, for messages (never a key). */
  public String origin() {
    return origin;
  }

  /** Seals {@code plain} under the current key, bound to {@code context}: nonce then ciphertext. */
  public byte[] seal(byte[] plain, byte[] context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context);
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * Opens what {@link #seal} made under the key {@code keyId} with the same {@code context}; empty
   * when that key is not here or the value was altered or moved.
   */
  public Optional<byte[]> open(String keyId, byte[] sealed, byte[] context) {
    SecretKeySpec key = keys.get(keyId);
    if (key == null || sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      return Optional.empty();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(context);
      return Optional.of(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  private static String idOf(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("harmont sealing key id\0".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SealingKeys[current=" + currentId + ", from " + origin + "]";
  }
}
