package com.bunqconnector.emulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dutch versions of the emulator's error texts, for {@code error_description_translated} when a call
 * asks for {@code X-Bunq-Language: nl_NL}. bunq translates its texts but publishes no list; only
 * {@code Rekening met id "1" is niet gevonden.} is on record, the rest is the emulator's own Dutch.
 * The table covers the texts clients meet most (tokens, credentials, signatures, balance and limits,
 * unknown ids, missing or mistyped fields, rate limits, server errors); a text it does not know stays
 * English, as {@code error_description} always is.
 */
final class DutchErrors {

  /** Texts without a variable part, English to Dutch. */
  private static final Map<String, String> FIXED = Map.ofEntries(
      Map.entry(ApiError.INSUFFICIENT_AUTHORISATION, "Onvoldoende autorisatie."),
      Map.entry(ApiError.INSUFFICIENT_AUTHENTICATION, "Onvoldoende authenticatie."),
      Map.entry(ApiError.BAD_CREDENTIALS, "Gebruikersgegevens zijn onjuist. Onjuiste API-sleutel of IP-adres."),
      Map.entry(ApiError.SIGNATURE_INVALID, "De handtekening van het verzoek is ongeldig."),
      Map.entry(ApiError.SIGNATURE_REQUIRED,
          "Voor deze handeling is een handtekening van het verzoek vereist. Raadpleeg de url's voor meer"
              + " informatie."),
      Map.entry("Authentication token already has a user session.",
          "Het authenticatietoken heeft al een gebruikerssessie."),
      Map.entry("The balance of the monetary account is insufficient for this payment.",
          "Het saldo van de rekening is onvoldoende voor deze betaling."),
      Map.entry("A payment to the same monetary account is not possible.",
          "Een betaling naar dezelfde rekening is niet mogelijk."),
      Map.entry("The counterparty's monetary account is not active.",
          "De rekening van de tegenpartij is niet actief."),
      Map.entry("The last active monetary account of a user cannot be cancelled.",
          "De laatste actieve rekening van een gebruiker kan niet worden opgeheven."),
      Map.entry("The request body is not valid JSON.", "De inhoud van het verzoek is geen geldige JSON."),
      Map.entry("The request body must be a JSON object.", "De inhoud van het verzoek moet een JSON-object zijn."),
      Map.entry("The OAuth client is not active.", "De OAuth-client is niet actief."),
      Map.entry("OAuth clients cannot be managed through an OAuth connection.",
          "OAuth-clients kunnen niet via een OAuth-verbinding worden beheerd."),
      Map.entry("Internal server error. Please contact bunq support.",
          "Interne serverfout. Neem contact op met bunq support."),
      Map.entry("Internal server error.", "Interne serverfout."),
      Map.entry(Replies.UNSAVED, "Interne serverfout: de wijziging is gedaan maar kon nog niet op schijf worden"
          + " bewaard; herhaal haar niet, maar lees de resource om haar te zien."));

  /** A text with variable parts: the English pattern and the Dutch replacement ({@code $1}, ...). */
  private record Rule(Pattern english, String dutch) {
  }

  private static final List<Rule> RULES = List.of(
      rule("Monetary account for id \"(.*)\" not found\\.", "Rekening met id \"$1\" is niet gevonden."),
      rule("User for id \"(.*)\" not found\\.", "Gebruiker met id \"$1\" is niet gevonden."),
      rule("(\\w+) for id \"(.*)\" not found\\.", "$1 met id \"$2\" is niet gevonden."),
      rule("Monetary account (\\d+) is not active\\.", "Rekening $1 is niet actief."),
      rule("Field \"([^\"]+)\" is required\\.", "Veld \"$1\" is verplicht."),
      rule("Field \"([^\"]+)\" must be a string\\.", "Veld \"$1\" moet een tekst zijn."),
      rule("Field \"([^\"]+)\" must be an object\\.", "Veld \"$1\" moet een object zijn."),
      rule("Field \"([^\"]+)\" must be an array\\.", "Veld \"$1\" moet een lijst zijn."),
      rule("Field \"([^\"]+)\" must not be empty\\.", "Veld \"$1\" mag niet leeg zijn."),
      rule("This payment exceeds the daily limit of monetary account (\\d+): ([\\d.]+) of ([\\d.]+) EUR is left"
          + " today\\.",
          "Deze betaling overschrijdt de daglimiet van rekening $1: vandaag is nog $2 van $3 EUR over."),
      rule("Too many requests\\. You can do a maximum of (\\d+) calls per (\\d+) second to this endpoint\\.",
          "Te veel verzoeken. Je kunt maximaal $1 verzoeken per $2 seconde naar dit endpoint doen."));

  private DutchErrors() {
  }

  /** Whether an {@code X-Bunq-Language} value asks for Dutch: {@code nl_NL} (or {@code nl-NL}, any case). */
  static boolean wanted(String language) {
    return language != null && (language.equalsIgnoreCase("nl_NL") || language.equalsIgnoreCase("nl-NL"));
  }

  /** The Dutch version of an English error text; empty for a text the table does not know. */
  static Optional<String> translate(String english) {
    String fixed = FIXED.get(english);
    if (fixed != null) {
      return Optional.of(fixed);
    }
    for (Rule rule : RULES) {
      Matcher matcher = rule.english().matcher(english);
      if (matcher.matches()) {
        return Optional.of(matcher.replaceFirst(rule.dutch()));
      }
    }
    return Optional.empty();
  }

  private static Rule rule(String english, String dutch) {
    return new Rule(Pattern.compile(english), dutch);
  }
}
