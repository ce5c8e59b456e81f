import dev.harmont.cloud.ApiTokenCreate;
import dev.harmont.cloud.AuthenticationException;
import dev.harmont.cloud.CreatedApiToken;
import dev.harmont.cloud.HarmontClient;
import java.net.URI;

/**
 * Compiled and run by LauncherIT with only the harmont-cloud jar and Jackson on the class path,
 * against a `harmont serve` process: every operation of the SDK. Args: BASE_URL TOKEN.
 */
public class AllOperations {
  public static void main(String[] args) {
    HarmontClient client =
        HarmontClient.builder().baseUrl(URI.create(args[0])).token(args[1]).build();
    System.out.println("user " + client.getCurrentUser().email());
    System.out.println("renamed " + client.updateCurrentUser(new dev.harmont.cloud.UserUpdate("Standalone")).name());
    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("standalone").build());
    System.out.println("keys " + client.listApiTokens().apiTokens().size());
    CreatedApiToken rotated =
        client.rotateApiToken(
            created.apiToken().id(),
            dev.harmont.cloud.ApiTokenRotate.builder()
                .gracePeriod(java.time.Duration.ofMinutes(1))
                .build());
    System.out.println(
        "rotated " + client.withToken(rotated.secret()).getCurrentToken().id().equals(created.apiToken().id()));
    System.out.println(
        "events " + client.listEvents(dev.harmont.cloud.EventListParams.builder().limit(1).build()).events().get(0).type());
    client.revokeApiToken(created.apiToken().id());
    HarmontClient second = client.withToken(client.createApiToken(ApiTokenCreate.builder().build()).secret());
    second.logout();
    try {
      second.getCurrentUser();
      throw new AssertionError("a logged-out token still works");
    } catch (AuthenticationException expected) {
      System.out.println("logged out");
    }
    client.deleteCurrentUser();
    System.out.println("deleted");
  }
}
