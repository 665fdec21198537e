package com.bunqconnector.callback;

import com.bunqconnector.api.ApiCall;
import com.bunqconnector.api.BunqApiException;
import com.bunqconnector.api.BunqClient;
import com.bunqconnector.api.ErrorCode;
import com.bunqconnector.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verify-by-fetch: re-reads a callback's object through the bunq API as the user it was registered
 * for. bunq confirms the event when the object exists with the same id and has not gone back in
 * time ({@code updated} no older than the callback's). A 404 is a denial; any other failure fails
 * the check so that it is retried. Object types without a known read path are delivered unverified.
 */
final class FetchVerifier implements Deliverer.Verifier {

  private static final Logger log = LoggerFactory.getLogger(FetchVerifier.class);

  /** Object type to the path under {@code /user/{userId}/monetary-account/<id>/}. */
  private static final Map<String, String> ACCOUNT_RESOURCES = Map.of(
      "Payment", "payment",
      "RequestInquiry", "request-inquiry",
      "RequestResponse", "request-response",
      "DraftPayment", "draft-payment",
      "MasterCardAction", "mastercard-action",
      "BunqMeTab", "bunqme-tab");

  private final BunqClient client;

  FetchVerifier(BunqClient client) {
    this.client = client;
  }

  @Override
  public Future<Boolean> confirms(TenantConfig tenant, JsonObject entry) {
    String user = entry.getString("user");
    String type = entry.getString("objectType");
    JsonObject object = new JsonObject(entry.getString("body")).getJsonObject("NotificationUrl")
        .getJsonObject("object").getJsonObject(type);
    String resource = ACCOUNT_RESOURCES.get(type);
    Object id = object.getValue("id");
    Object account = object.getValue("monetary_account_id");
    if (user == null || resource == null || id == null || account == null) {
      log.debug("Callback {} of {} carries no object bunq can be asked about; delivered unverified",
          entry.getString("id"), tenant.id());
      return Future.succeededFuture(true);
    }
    String path = "/user/" + ApiCall.USER_ID + "/monetary-account/" + account + "/" + resource + "/" + id;
    return client.call(new ApiCall(tenant.id(), user, HttpMethod.GET, path, Map.of(), null))
        .map(response -> {
          JsonObject fetched = response.item(type);
          if (fetched == null || !String.valueOf(id).equals(String.valueOf(fetched.getValue("id")))) {
            return false;
          }
          String updated = object.getString("updated");
          String current = fetched.getString("updated");
          return updated == null || current == null || current.compareTo(updated) >= 0;
        })
        .recover(e -> e instanceof BunqApiException bunq && bunq.code() == ErrorCode.NOT_FOUND
            ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }
}
