package dev.harmont.server.account;

import dev.harmont.server.mail.OutgoingMail;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistence of email links and of the requests that make them, by hash only; implemented by the
 * store package. Every message is queued in the same transaction as the row it concerns, so a link
 * exists exactly when its message does.
 */
public interface EmailLinkStore {

  /**
   * Counts one request against each of {@code keyHashes} and says whether all of them stayed within
   * {@code max} requests since {@code since}; a refused request is not counted. Rows older than
   * {@code since} are deleted.
   */
  boolean admit(List<String> keyHashes, int max, Instant since, Instant now);

  /** The number of accounts, for the sign-up cap. */
  long countUsers();

  /**
   * Stores {@code link} (null: none) and queues {@code mail} (null: none) with it, in one
   * transaction; links that expired before {@code now} are deleted.
   */
  void issue(EmailLink link, OutgoingMail mail, Instant now);

  /** The link with this hash, spent or not. */
  Optional<EmailLink> find(String linkHash);

  /**
   * In one transaction: spends the sign-up link {@code linkHash} (it must be live at {@code now}),
   * creates its account with a personal organization ({@code userId}, {@code orgId}), and stores
   * {@code passkey} (whose user id is {@code userId}) with its event.
   *
   * @param maxUsers the sign-up cap; 0 for none
   * @return the new user; empty when the link is not live (spent meanwhile)
   * @throws HarmontException {@link ErrorCode#PASSKEY_SIGNUP_EMAIL_TAKEN}, {@link
   *     ErrorCode#SIGNUP_CAP_REACHED}, {@link ErrorCode#PASSKEY_ALREADY_REGISTERED}; nothing is
   *     written then
   */
  Optional<User> signUp(
      String linkHash, NewAccount account, Passkey passkey, SecurityEvent event, long maxUsers);

  /** The account a sign-up creates. */
  record NewAccount(
      UUID userId, UUID orgId, String email, String name, String slugBase, Instant now) {}

  /**
   * In one transaction: spends the recovery or invitation link {@code linkHash} (live at {@code
   * now}, for {@code passkey}'s user) and stores {@code passkey} with its event.
   *
   * @return false when the link is not live (spent meanwhile)
   * @throws HarmontException {@link ErrorCode#PASSKEY_ALREADY_REGISTERED}; nothing is written then
   */
  boolean recover(String linkHash, Passkey passkey, SecurityEvent event, Instant now);
}
