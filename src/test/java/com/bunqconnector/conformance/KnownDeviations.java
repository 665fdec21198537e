package com.bunqconnector.conformance;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The places where bunq's own swagger.json is demonstrably wrong about what bunq does, each with
 * the PROTOCOL.md entry (the project's protocol digest, {@code shared/bunq/PROTOCOL.md}) that
 * documents the real behaviour. Nothing is skipped: each deviation rewrites the schema the check
 * uses into the documented behaviour, which is then validated as strictly as the rest.
 *
 * <p>A deviation also says how to tell it is still needed ({@link Deviation#stillInSwagger}); a
 * test fails when bunq's document no longer has the fault, so the list cannot rot.
 *
 * <p>One rule applies to every response instead of to one place; see {@link #ABSENT_IS_NULL}.
 */
public final class KnownDeviations {

  /**
   * bunq sends an absent value as an explicit {@code null} (every response and callback sample in
   * PROTOCOL.md §7.4, Examples A-C, and §5.4's Pagination), while the document never says
   * {@code nullable}. Null members of response objects are therefore dropped before validation,
   * which treats them as absent; bunq's response schemas require no property, so nothing else is
   * lost. Request bodies are validated as sent.
   */
  public static final String ABSENT_IS_NULL = "absent values are null (PROTOCOL.md §7.4)";

  /**
   * One deviation.
   *
   * @param id a short stable name
   * @param protocol where PROTOCOL.md documents the real behaviour
   * @param direction which body it concerns
   * @param swaggerSays what bunq's document claims
   * @param bunqDoes what bunq does, and so what the check now expects
   * @param stillInSwagger true while the unmodified document still has the fault
   * @param patch rewrites a copy of the document for {@code direction}; fails if its target is gone
   */
  public record Deviation(String id, String protocol, Direction direction, String swaggerSays, String bunqDoes,
      Predicate<JsonObject> stillInSwagger, Consumer<JsonObject> patch) {
  }

  private static final String NOTIFICATION_FILTER_URL = "/user/{userID}/notification-filter-url";
  private static final String CARD = "/user/{userID}/card";
  private static final String PSD2_CREDENTIAL = "/payment-service-provider-credential";

  private static final List<Deviation> ALL = List.of(
      new Deviation("sandbox-user-person-api-key",
          "§12 row \"sandbox-user-person response\"; §8.6",
          Direction.RESPONSE,
          "POST /sandbox-user-person answers SandboxUserPersonCreate: {\"Id\":{\"id\":N}}",
          "it answers {\"Response\":[{\"ApiKey\":{\"api_key\":\"sandbox_...\"}}]} (Python SDK, Postman)",
          doc -> !Patches.properties(doc, "SandboxUserPersonCreate").containsKey("ApiKey"),
          doc -> {
            Patches.addComponent(doc, "ProtocolApiKey", """
                {"type": "object", "required": ["api_key"],
                 "properties": {"api_key": {"type": "string", "pattern": "^sandbox_"}}}""");
            Patches.addComponent(doc, "ProtocolSandboxUserPersonCreate", """
                {"type": "object", "properties": {"ApiKey": {"$ref": "#/components/schemas/ProtocolApiKey"}}}""");
            Patches.okResponse(doc, "post", "/sandbox-user-person", Patches.ref("ProtocolSandboxUserPersonCreate"));
          }),
      new Deviation("notification-filter-url-post-answers-the-list",
          "§12 row \"POST notification-filter-url response\"; §7.1",
          Direction.RESPONSE,
          "POST notification-filter-url answers NotificationFilterUrlCreate: {\"Id\":{\"id\":N}}",
          "it answers the new set as a list of {\"NotificationFilterUrl\":{...}} (Java and Python SDK internals)",
          doc -> !Patches.properties(doc, "NotificationFilterUrlCreate").containsKey("NotificationFilterUrl"),
          doc -> {
            addFilterObject(doc);
            Patches.okResponse(doc, "post", NOTIFICATION_FILTER_URL, Patches.ref("ProtocolNotificationFilterUrlItem"));
          }),
      new Deviation("notification-filter-url-get-lists-filters",
          "§7.1 \"Response to POST and to GET: a list of wrapped items\"",
          Direction.RESPONSE,
          "GET notification-filter-url lists NotificationFilterUrlListing objects: {\"notification_filters\":[...]}",
          "it lists {\"NotificationFilterUrl\":{id, created, updated, category, notification_target}} items",
          doc -> !Patches.properties(doc, "NotificationFilterUrlListing").containsKey("category"),
          doc -> {
            addFilterObject(doc);
            Patches.okResponse(doc, "get", NOTIFICATION_FILTER_URL, new JsonObject().put("type", "array")
                .put("items", Patches.ref("ProtocolNotificationFilterUrlItem")));
          }),
      new Deviation("notification-filter-url-request-items",
          "§7.1 \"Request body (POST)\"",
          Direction.REQUEST,
          "the items of notification_filters are NotificationFilterUrl again (the schema refers to itself)",
          "each item is {\"category\": \"...\", \"notification_target\": \"https://...\"}",
          doc -> Patches.ref("NotificationFilterUrl").equals(Patches.properties(doc, "NotificationFilterUrl")
              .getJsonObject("notification_filters").getJsonObject("items")),
          doc -> {
            Patches.addComponent(doc, "ProtocolNotificationFilter", """
                {"type": "object", "required": ["category", "notification_target"],
                 "properties": {"category": {"type": "string"}, "notification_target": {"type": "string"}}}""");
            Patches.properties(doc, "NotificationFilterUrl").getJsonObject("notification_filters")
                .put("items", Patches.ref("ProtocolNotificationFilter"));
          }),
      new Deviation("payment-counterparty-is-a-pointer",
          "§12 row \"Payment counterparty_alias request type\"; §8.3",
          Direction.REQUEST,
          "a payment's counterparty_alias is a LabelMonetaryAccount",
          "the client sends a Pointer {type, value, name} (all SDKs, bunq's examples)",
          doc -> Patches.properties(doc, "Payment").getJsonObject("counterparty_alias").getString("$ref", "")
              .endsWith("/LabelMonetaryAccount"),
          doc -> Patches.properties(doc, "Payment").put("counterparty_alias", Patches.ref("Pointer"))),
      new Deviation("session-token-has-timestamps",
          "§12 row \"Session Token fields\"; §2.4",
          Direction.RESPONSE,
          "the session-server Token has id and token only",
          "it also has created and updated (bunq's 2025 session tutorial)",
          doc -> !Patches.properties(doc, "SessionServerToken").containsKey("created"),
          doc -> Patches.properties(doc, "SessionServerToken")
              .put("created", new JsonObject().put("type", "string"))
              .put("updated", new JsonObject().put("type", "string"))),
      timestamps("DraftPayment", "§11 (SDK callback fixture DraftPayment.json)",
          "bunq's DraftPayment sample carries both, and a PUT's previous_updated_timestamp needs updated"),
      timestamps("MasterCardAction", "§7.4 Example C (SDK fixture MasterCardAction.json)",
          "bunq's MasterCardAction sample carries both, after the id"),
      new Deviation("card-answers-are-card-debit-objects",
          "§5.1 (the Java SDK takes a wrapper that starts with the expected name)",
          Direction.RESPONSE,
          "GET card answers CardRead/CardListing (wrapper Card); POST card-debit and PUT card answer an Id",
          "every one answers the card as {\"CardDebit\":{...}} (bunq's \"bunq API Objects: Card\" example; the"
              + " Java SDK's CardDebitApiObject.create and CardApiObject.update read the card back)",
          doc -> !Patches.properties(doc, "CardDebitCreate").containsKey("CardDebit"),
          doc -> {
            Patches.addComponent(doc, "ProtocolCardDebitItem", """
                {"type": "object", "properties": {"CardDebit": {"$ref": "#/components/schemas/CardRead"}}}""");
            Patches.okResponse(doc, "post", "/user/{userID}/card-debit", Patches.ref("ProtocolCardDebitItem"));
            Patches.okResponse(doc, "get", CARD + "/{itemId}", Patches.ref("ProtocolCardDebitItem"));
            Patches.okResponse(doc, "put", CARD + "/{itemId}", Patches.ref("ProtocolCardDebitItem"));
            Patches.okResponse(doc, "get", CARD, new JsonObject().put("type", "array")
                .put("items", Patches.ref("ProtocolCardDebitItem")));
          }),
      new Deviation("card-name-wrapper",
          "§5.1 (the wrapper is the type name bunq gives the object)",
          Direction.RESPONSE,
          "GET card-name lists CardNameListing objects (wrapper CardName)",
          "the wrapper is CardUserNameArray (the Java, C# and Python SDKs' CardName object type)",
          doc -> !Patches.properties(doc, "CardNameListing").containsKey("CardUserNameArray"),
          doc -> {
            Patches.addComponent(doc, "ProtocolCardNameItem", """
                {"type": "object",
                 "properties": {"CardUserNameArray": {"$ref": "#/components/schemas/CardNameListing"}}}""");
            Patches.okResponse(doc, "get", "/user/{userID}/card-name", new JsonObject().put("type", "array")
                .put("items", Patches.ref("ProtocolCardNameItem")));
          }),
      new Deviation("attachment-public-create-answers-uuid",
          "§5.1 (\"some UUID-based resources return {\"Uuid\":{\"uuid\":\"...\"}}\")",
          Direction.RESPONSE,
          "POST /attachment-public answers AttachmentPublicCreate: {\"Id\":{\"id\":N}}",
          "it answers {\"Uuid\":{\"uuid\":\"...\"}}: a public attachment is known by its uuid only (Java SDK"
              + " AttachmentPublicApiObject.create reads a Uuid)",
          doc -> Patches.properties(doc, "AttachmentPublicCreate").containsKey("Id"),
          doc -> {
            Patches.addComponent(doc, "ProtocolUuid", """
                {"type": "object", "required": ["uuid"], "properties": {"uuid": {"type": "string"}}}""");
            Patches.addComponent(doc, "ProtocolAttachmentPublicCreate", """
                {"type": "object", "properties": {"Uuid": {"$ref": "#/components/schemas/ProtocolUuid"}}}""");
            Patches.okResponse(doc, "post", "/attachment-public", Patches.ref("ProtocolAttachmentPublicCreate"));
          }),
      new Deviation("psd2-credential-answers-credential-password-ip",
          "§4.4 \"Response object CredentialPasswordIp\"",
          Direction.RESPONSE,
          "POST payment-service-provider-credential answers PaymentServiceProviderCredentialCreate: {\"Id\":{...}};"
              + " GET wraps PaymentServiceProviderCredentialRead as PaymentServiceProviderCredential",
          "both answer {\"CredentialPasswordIp\":{id, status, token_value, ...}} (Java SDK"
              + " PaymentServiceProviderCredentialInternal and PaymentServiceProviderCredentialApiObject.get)",
          doc -> !Patches.properties(doc, "PaymentServiceProviderCredentialCreate")
              .containsKey("CredentialPasswordIp"),
          doc -> {
            Patches.addComponent(doc, "ProtocolCredentialPasswordIpItem", """
                {"type": "object", "properties": {
                  "CredentialPasswordIp": {"$ref": "#/components/schemas/PaymentServiceProviderCredentialRead"}}}""");
            JsonObject item = Patches.ref("ProtocolCredentialPasswordIpItem");
            Patches.okResponse(doc, "post", PSD2_CREDENTIAL, item);
            Patches.okResponse(doc, "get", PSD2_CREDENTIAL + "/{itemId}", item.copy());
          }),
      categoryFilters("Push"),
      categoryFilters("Email"),
      // Weakest evidence of the list: SDK fixtures from 2017 carry these fields, the 2025 schema does not.
      new Deviation("payment-maturity-date-and-allow-chat",
          "§7.4 Example A (SDK fixture Mutation.json)",
          Direction.RESPONSE,
          "a Payment has no maturity_date and no allow_chat",
          "bunq's published Payment samples carry maturity_date (a date) and allow_chat (a boolean)",
          doc -> !Patches.properties(doc, "PaymentRead").containsKey("maturity_date"),
          doc -> {
            // "Payment" is what a PaymentBatch's payments are.
            for (String schema : List.of("PaymentRead", "PaymentListing", "Payment")) {
              Patches.properties(doc, schema)
                  .put("maturity_date", new JsonObject().put("type", "string"))
                  .put("allow_chat", new JsonObject().put("type", "boolean"));
            }
          }));

  private KnownDeviations() {
  }

  /** Every known deviation, in a fixed order. */
  public static List<Deviation> all() {
    return ALL;
  }

  /** Applies the deviations of {@code direction} to {@code document}, a copy of bunq's document. */
  static void apply(JsonObject document, Direction direction) {
    for (Deviation deviation : ALL) {
      if (deviation.direction() == direction) {
        try {
          deviation.patch().accept(document);
        } catch (RuntimeException e) {
          throw new IllegalStateException("known deviation " + deviation.id() + " no longer applies to bunq's"
              + " document: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * notification-filter-push or -email ({@code kind} "Push" or "Email"): bunq's document has POST
   * answer an {@code Id} and GET list {@code notification_filters} arrays whose items are the schema
   * itself again; the SDKs ({@code NotificationFilterPushUserInternal}, which parses a list of
   * {@code NotificationFilterPush} objects) read both as a list of {@code {"NotificationFilterPush":
   * {"category": ...}}}, the item shape of PROTOCOL.md's push filter body. The e-mail one is taken
   * to answer alike.
   */
  private static Deviation categoryFilters(String kind) {
    String type = "NotificationFilter" + kind;
    String path = "/user/{userID}/notification-filter-" + kind.toLowerCase(Locale.ROOT);
    return new Deviation("notification-filter-" + kind.toLowerCase(Locale.ROOT) + "-answers-categories",
        "§7.1 \"Push filter body\"",
        Direction.RESPONSE,
        "POST " + path + " answers " + type + "Create: {\"Id\":{\"id\":N}}; GET lists " + type + "Listing",
        "both answer the set as a list of {\"" + type + "\":{\"category\":...}} (SDK " + type + "UserInternal)",
        doc -> !Patches.properties(doc, type + "Create").containsKey(type),
        doc -> {
          Patches.addComponent(doc, "Protocol" + type, """
              {"type": "object", "required": ["category"], "properties": {"category": {"type": "string"}}}""");
          Patches.addComponent(doc, "Protocol" + type + "Item", "{\"type\": \"object\", \"properties\": {\""
              + type + "\": {\"$ref\": \"#/components/schemas/Protocol" + type + "\"}}}");
          Patches.okResponse(doc, "post", path, Patches.ref("Protocol" + type + "Item"));
          Patches.okResponse(doc, "get", path, new JsonObject().put("type", "array")
              .put("items", Patches.ref("Protocol" + type + "Item")));
        });
  }

  /** {@code type}'s Read and Listing objects carry {@code created} and {@code updated}, which the document omits. */
  private static Deviation timestamps(String type, String protocol, String bunqDoes) {
    String id = type.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + "-timestamps";
    return new Deviation(id, protocol, Direction.RESPONSE, "a " + type + " has no created and no updated", bunqDoes,
        doc -> !Patches.properties(doc, type + "Read").containsKey("updated"),
        doc -> {
          for (String schema : List.of(type + "Read", type + "Listing")) {
            Patches.properties(doc, schema)
                .put("created", new JsonObject().put("type", "string"))
                .put("updated", new JsonObject().put("type", "string"));
          }
        });
  }

  /** One NotificationFilterUrl item as the SDKs read it (PROTOCOL.md §7.1), wrapped as in a Response. */
  private static void addFilterObject(JsonObject doc) {
    Patches.addComponentOnce(doc, "ProtocolNotificationFilterUrl", """
        {"type": "object", "required": ["id", "category", "notification_target"],
         "properties": {
           "id": {"type": "integer"}, "created": {"type": "string"}, "updated": {"type": "string"},
           "category": {"type": "string"}, "notification_target": {"type": "string"},
           "all_user_id": {"type": "array"}, "all_monetary_account_id": {"type": "array"},
           "all_verification_type": {"type": "array"}}}""");
    Patches.addComponentOnce(doc, "ProtocolNotificationFilterUrlItem", """
        {"type": "object",
         "properties": {"NotificationFilterUrl": {"$ref": "#/components/schemas/ProtocolNotificationFilterUrl"}}}""");
  }
}
