package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.number;
import static com.bunqconnector.emulator.StateFields.text;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ids and IBANs a state being read uses, checked against the counters it records: an id above
 * {@code lastId} or an emulator IBAN above {@code lastAccountNumber} would be handed out again and
 * overwrite what holds it, and two objects of a kind under one id (or two accounts with one IBAN)
 * would replace each other. Each check throws {@link IllegalArgumentException} naming the field.
 */
final class IssuedIds {

  /** An IBAN the emulator hands out, its account number in group 1. */
  private static final Pattern EMULATOR_IBAN = Pattern.compile("NL\\d{2}BUNQ(\\d{10})");

  private final long lastId;
  private final long lastAccountNumber;
  /** The ids read so far per kind of object kept by id. */
  private final Map<String, Set<Long>> idsByKind = new HashMap<>();
  private final Set<String> ibans = new HashSet<>();

  IssuedIds(long lastId, long lastAccountNumber) {
    this.lastId = lastId;
    this.lastAccountNumber = lastAccountNumber;
  }

  /**
   * The object's {@code "id"}: one that {@code lastId} covers and no other object of the kind (kept by
   * id, so one would replace the other) holds.
   */
  long id(JsonObject j, String kind) {
    long id = issued(j, "id");
    if (!idsByKind.computeIfAbsent(kind, k -> new HashSet<>()).add(id)) {
      throw new IllegalArgumentException("\"id\" " + id + " is taken by another " + kind);
    }
    return id;
  }

  /** An id the emulator handed out: at most {@code lastId}, which new objects count on from. */
  long issued(JsonObject j, String field) {
    long id = number(j, field);
    if (id > lastId) {
      throw new IllegalArgumentException("\"" + field + "\" " + id + " is above \"lastId\" " + lastId
          + ": new objects would be given ids in use");
    }
    return id;
  }

  /**
   * The account's {@code "iban"}: one no other account holds and, if the emulator made it, one that
   * {@code lastAccountNumber} covers, as new accounts' IBANs count on from there.
   */
  String iban(JsonObject j) {
    String iban = text(j, "iban");
    Matcher made = EMULATOR_IBAN.matcher(iban);
    if (made.matches() && Long.parseLong(made.group(1)) > lastAccountNumber) {
      throw new IllegalArgumentException("\"iban\" " + iban + " has an account number above \"lastAccountNumber\" "
          + lastAccountNumber + ": new accounts would be given IBANs in use");
    }
    if (!ibans.add(iban)) {
      throw new IllegalArgumentException("\"iban\" " + iban + " is taken by another monetary account");
    }
    return iban;
  }
}
