package com.bunqconnector.emulator;

import static com.bunqconnector.emulator.StateFields.amount;
import static com.bunqconnector.emulator.StateFields.optionalText;
import static com.bunqconnector.emulator.StateFields.text;
import static com.bunqconnector.emulator.StateFields.time;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.User;
import com.bunqconnector.emulator.ResourceModel.Card;
import com.bunqconnector.emulator.ResourceModel.PinAssignment;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a card of a durable emulator's state back, as {@link SavedJson#card} writes it or as an older
 * file held it. Cards change (status, limits, PINs, second line), so they are a changing
 * {@link StateKinds kind}, told apart by their id.
 */
final class CardSnapshots {

  private CardSnapshots() {
  }

  /**
   * A card, its references resolved by {@code reader}. One of an older file (no {@code ownerId}: the
   * emulated card of an account, all there was) comes back as the active card {@link Cards#emulatedCard}
   * makes, with its id, uuid, expiry date and second line.
   */
  static Card read(JsonObject j, StateReader reader, IssuedIds ids) {
    Account ordered = reader.account(j, "accountId");
    boolean old = j.getValue("ownerId") == null;
    User owner = old ? ordered.owner : reader.user(j, "ownerId");
    if (ordered.owner.id() != owner.id()) {
      throw new IllegalArgumentException("\"accountId\" names a monetary account of another user");
    }
    long id = ids.id(j, "card");
    String type = old ? "MASTERCARD" : text(j, "type");
    if (!Cards.TYPES.contains(type)) {
      throw new IllegalArgumentException("\"type\" must be one of " + Cards.TYPES);
    }
    long panId = old ? id : ids.issued(j, "panId");
    Card card = new Card(id, old ? ordered.created : time(j, "created"), text(j, "uuid"), owner, type,
        old ? "MASTERCARD_DEBIT" : text(j, "productType"),
        old ? Cards.possibleNames(owner).get(0) : text(j, "nameOnCard"), text(j, "expiryDate"), panId,
        old ? Cards.fourDigit(panId) : text(j, "fourDigit"), ordered.id);
    card.secondLine = text(j, "secondLine");
    card.updated = old ? card.created : time(j, "updated");
    card.preferredNameOnCard = optionalText(j, "preferredNameOnCard");
    card.status = old ? "ACTIVE" : text(j, "status");
    card.orderStatus = old ? "VIRTUAL_DELIVERY" : text(j, "orderStatus");
    List<PinAssignment> pins = new ArrayList<>();
    if (old) {
      pins.add(new PinAssignment("PRIMARY", "AUTOMATIC", ordered.id));
    } else {
      StateReader.each(j, "pins", p -> pins.add(new PinAssignment(text(p, "type"), text(p, "routingType"),
          reader.account(p, "accountId").id)));
    }
    card.pins = List.copyOf(pins);
    card.fallbackAccountId = j.getValue("fallbackAccountId") == null ? null
        : reader.account(j, "fallbackAccountId").id;
    card.limit = old ? Cards.DEFAULT_LIMIT : amount(j, "limit");
    card.limitAtm = old ? Cards.DEFAULT_LIMIT : amount(j, "limitAtm");
    return card;
  }
}
