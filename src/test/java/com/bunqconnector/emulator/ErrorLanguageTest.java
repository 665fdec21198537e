package com.bunqconnector.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.bunqconnector.emulator.TestClient.Reply;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code error_description_translated} follows {@code X-Bunq-Language}: Dutch for nl_NL where it is known. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ErrorLanguageTest {

  @RegisterExtension
  static final SharedEmulator shared = new SharedEmulator(new EmulatorOptions());

  @Test
  void nlNlGetsTheDutchTextBesideTheEnglishOne() {
    Reply reply = get("/user/" + shared.alice.userId + "/monetary-account/1", shared.alice.sessionToken, "nl_NL");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(error(reply)).isEqualTo(new JsonObject()
        .put("error_description", "Monetary account for id \"1\" not found.")
        .put("error_description_translated", "Rekening met id \"1\" is niet gevonden."));
    assertThat(shared.alice.serverSignatureValid(reply)).isTrue();
    Reply unknownToken = get("/user", "0".repeat(64), "nl_NL");
    assertThat(unknownToken.status()).isEqualTo(403);
    assertThat(error(unknownToken).getString("error_description_translated")).isEqualTo("Onvoldoende authenticatie.");
  }

  @Test
  void otherLanguagesAndTextsWithoutATranslationStayEnglish() {
    String path = "/user/" + shared.alice.userId + "/monetary-account/1";
    JsonObject english = error(get(path, shared.alice.sessionToken, "en_US"));
    assertThat(english.getString("error_description_translated")).isEqualTo(english.getString("error_description"));
    JsonObject none = error(get(path, shared.alice.sessionToken, null));
    assertThat(none).isEqualTo(english);
    JsonObject untranslated = error(get("/user/" + shared.alice.userId + "/monetary-account?count=0",
        shared.alice.sessionToken, "nl_NL"));
    assertThat(untranslated.getString("error_description")).contains("count");
    assertThat(untranslated.getString("error_description_translated"))
        .isEqualTo(untranslated.getString("error_description"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Insufficient authorisation. | Onvoldoende autorisatie.",
      "User credentials are incorrect. Incorrect API key or IP address."
          + " | Gebruikersgegevens zijn onjuist. Onjuiste API-sleutel of IP-adres.",
      "Payment for id \"7\" not found. | Payment met id \"7\" is niet gevonden.",
      "Field \"entries[0].amount\" is required. | Veld \"entries[0].amount\" is verplicht.",
      "Monetary account 12 is not active. | Rekening 12 is niet actief.",
      "This payment exceeds the daily limit of monetary account 3: 20.00 of 50.00 EUR is left today."
          + " | Deze betaling overschrijdt de daglimiet van rekening 3: vandaag is nog 20.00 van 50.00 EUR over.",
      "Too many requests. You can do a maximum of 3 calls per 3 second to this endpoint."
          + " | Te veel verzoeken. Je kunt maximaal 3 verzoeken per 3 seconde naar dit endpoint doen."})
  void theTableTranslatesFixedTextsAndFillsInVariableParts(String english, String dutch) {
    assertThat(DutchErrors.translate(english)).contains(dutch);
  }

  private static Reply get(String path, String token, String language) {
    Map<String, String> headers = language == null ? Map.of() : Map.of("X-Bunq-Language", language);
    return shared.alice.send("GET", path, token, "", null, headers);
  }

  private static JsonObject error(Reply reply) {
    return reply.json().getJsonArray("Error").getJsonObject(0);
  }
}
