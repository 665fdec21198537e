package com.bunqconnector.emulator;

import com.bunqconnector.emulator.Model.Account;
import com.bunqconnector.emulator.Model.Device;
import com.bunqconnector.emulator.Model.Filter;
import com.bunqconnector.emulator.Model.Grant;
import com.bunqconnector.emulator.Model.GrantFilters;
import com.bunqconnector.emulator.Model.Installation;
import com.bunqconnector.emulator.Model.Kind;
import com.bunqconnector.emulator.Model.Payment;
import com.bunqconnector.emulator.Model.Session;
import com.bunqconnector.emulator.Model.User;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the emulator knows, in memory (a durable emulator saves it with {@link StateWriter}).
 * Not thread-safe by design: every access happens on the emulator verticle's context, so no locks
 * are needed.
 */
final class EmulatorState {

  private static final String[] FIRST_NAMES = {"Alice", "Bram", "Charlotte", "Daan", "Emma", "Finn", "Julia", "Lars"};
  private static final String[] LAST_NAMES = {"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder"};
  private static final String[] COMPANY_SUFFIXES = {"Consultancy B.V.", "Bouw B.V.", "Design V.O.F.", "Holding B.V."};
  /** A call this close to a session's expiry extends it (bunq's current API reference: 30 seconds). */
  static final Duration EXTENSION_WINDOW = Duration.ofSeconds(30);
  /** bunq extends a session by the auto-logout time, but never by more than 5 minutes. */
  static final Duration MAX_EXTENSION = Duration.ofMinutes(5);

  private static final int MAX_ENDED_SESSIONS = 10_000;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  /** One id sequence for every object type, starting where real bunq ids look plausible. */
  private final AtomicLong ids = new AtomicLong(1_822_000);
  private long nextAccountNumber = 2_025_100_000L;

  private final Map<Long, User> users = new LinkedHashMap<>();
  private final Map<String, User> usersByApiKey = new HashMap<>();
  /** EMAIL and PHONE_NUMBER alias values, as sent by clients, to their owner. */
  private final Map<String, User> usersByAlias = new HashMap<>();
  private final Map<Long, Account> accounts = new LinkedHashMap<>();
  private final Map<String, Account> accountsByIban = new HashMap<>();
  private final Map<String, Installation> installationsByToken = new HashMap<>();
  /** Devices keyed by installation id + API key: one registration per pair. */
  private final Map<String, Device> devices = new HashMap<>();
  private final Map<String, Session> sessionsByToken = new HashMap<>();
  /** Ended sessions by token, oldest first; bounded so that a long run does not grow without end. */
  private final Map<String, Session> endedSessions = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > MAX_ENDED_SESSIONS;
    }
  };
  /** Payments per monetary account, keyed (and so ordered) by id. */
  private final Map<Long, NavigableMap<Long, Payment>> payments = new HashMap<>();
  private final Map<Long, List<Filter>> filtersByUser = new HashMap<>();
  private final Map<Long, List<Filter>> filtersByAccount = new HashMap<>();
  /** User-level URL filters set through OAuth connections, by grant id. */
  private final Map<Long, GrantFilters> filtersByGrant = new LinkedHashMap<>();
  /**
   * Push and e-mail notification filters: the categories per owner (a user, or for a set made through
   * an OAuth connection its grant), per kind ("push", "email").
   */
  private final Map<String, Map<Long, List<String>>> categoryFilters = new HashMap<>();
  /** The payment service providers registered by certificate, and their credentials. */
  private final Psd2Credentials psd2 = new Psd2Credentials();
  /** How many changes were announced with {@link #changed()}; a durable emulator writes up to this count. */
  private long changes;
  private Runnable changeListener = () -> { };

  EmulatorState(Clock clock) {
    this.clock = clock;
  }

  /**
   * Announces that the state was (or is about to be) changed in this event-loop turn. Calls that
   * change state through a request need not call it (every non-GET answer counts as a change);
   * changes made on a GET or outside requests (timers, callbacks) must.
   */
  void changed() {
    changes++;
    changeListener.run();
  }

  /** The number of changes announced so far. */
  long changes() {
    return changes;
  }

  /** Runs {@code listener} on every {@link #changed()} (a durable emulator schedules a write there). */
  void onChange(Runnable listener) {
    this.changeListener = listener;
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  /** 64 lowercase hex characters, the shape of bunq's installation and session tokens. */
  String newToken() {
    return hex(32);
  }

  /** The PSD2 providers and credentials ({@code payment-service-provider-credential}). */
  Psd2Credentials psd2() {
    return psd2;
  }

  /** Creates a UserPerson with an API key and one funded EUR MonetaryAccountBank. */
  User createSandboxUser(BigDecimal openingBalance, int sessionTimeoutSeconds) {
    return createUser(Kind.PERSON, null, null, openingBalance, sessionTimeoutSeconds);
  }

  /**
   * Creates a user of any kind with an EMAIL and a PHONE_NUMBER alias. A null {@code name} or
   * {@code apiKey} is generated; persons and companies get one funded EUR MonetaryAccountBank,
   * payment service providers none.
   *
   * @throws IllegalArgumentException if {@code apiKey} already belongs to a user
   */
  User createUser(Kind kind, String name, String apiKey, BigDecimal openingBalance, int sessionTimeoutSeconds) {
    if (apiKey != null && usersByApiKey.containsKey(apiKey)) {
      throw new IllegalArgumentException("API key is already in use");
    }
    long id = nextId();
    String email = "sandbox+" + id + "@bunq.example";
    String phone = String.format("+3162%07d", id % 10_000_000);
    String key = apiKey == null ? "sandbox_" + hex(28) : apiKey;
    User user = new User(id, Timestamps.now(clock), UUID.randomUUID().toString(), kind,
        name == null ? generatedName(kind) : name, email, phone, key, sessionTimeoutSeconds);
    users.put(id, user);
    usersByApiKey.put(key, user);
    usersByAlias.put(email.toLowerCase(), user);
    usersByAlias.put(phone, user);
    if (kind != Kind.PSP) {
      openAccount(user, openingBalance);
    }
    return user;
  }

  /** Opens a MonetaryAccountBank for the user with a fresh IBAN and bunq's default settings. */
  Account openAccount(User owner, BigDecimal openingBalance) {
    nextAccountNumber = Iban.nextValidAccountNumber(nextAccountNumber + 1);
    String iban = Iban.forAccountNumber(String.format("%010d", nextAccountNumber));
    Account account = new Account(nextId(), now(), UUID.randomUUID().toString(), iban, owner, openingBalance);
    accounts.put(account.id, account);
    accountsByIban.put(iban, account);
    return account;
  }

  Optional<Account> account(long id) {
    return Optional.ofNullable(accounts.get(id));
  }

  /** Where money sent to the user's EMAIL or PHONE_NUMBER alias lands: the oldest active account. */
  Optional<Account> primaryAccountOf(User user) {
    return accountsOf(user).stream().filter(Account::isActive).findFirst();
  }

  /** Every user in creation order. */
  List<User> users() {
    return List.copyOf(users.values());
  }

  /**
   * Keeps a session alive the way bunq does: a call in the last {@link #EXTENSION_WINDOW} before
   * expiry moves the expiry to the call's time plus the auto-logout time, capped at
   * {@link #MAX_EXTENSION}. Returns the session as it now stands (replaced in the state when moved).
   */
  Session touchSession(Session session) {
    Instant now = now();
    if (session.expiresAt().isAfter(now.plus(EXTENSION_WINDOW))) {
      return session;
    }
    Duration extension = Duration.ofSeconds(session.timeoutSeconds());
    Instant extended = now.plus(extension.compareTo(MAX_EXTENSION) > 0 ? MAX_EXTENSION : extension);
    if (!extended.isAfter(session.expiresAt())) {
      return session;
    }
    Session moved = session.withExpiresAt(extended);
    sessionsByToken.put(moved.token(), moved);
    changed();
    return moved;
  }

  /** Ends every session opened on the installation (bunq keeps one user session per installation token). */
  void endSessionsOf(long installationId) {
    sessionsByToken.values().removeIf(s -> {
      boolean ends = s.installation().id() == installationId;
      if (ends) {
        endedSessions.put(s.token(), s);
      }
      return ends;
    });
  }

  /**
   * Ends one session; its token is refused from now on (403 Insufficient authentication. once it was closed
   * or replaced, see {@code Guard}).
   */
  void endSession(Session session) {
    sessionsByToken.remove(session.token());
    endedSessions.put(session.token(), session);
  }

  /** A session that was ended, by its token, while it is still remembered (the newest ones are). */
  Optional<Session> endedSessionByToken(String token) {
    return Optional.ofNullable(endedSessions.get(token));
  }

  private String generatedName(Kind kind) {
    String last = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
    return switch (kind) {
      case PERSON -> FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " " + last;
      case COMPANY -> last + " " + COMPANY_SUFFIXES[random.nextInt(COMPANY_SUFFIXES.length)];
      case PSP -> last + " Payments B.V.";
    };
  }

  Optional<User> userByApiKey(String apiKey) {
    return Optional.ofNullable(usersByApiKey.get(apiKey));
  }

  Optional<User> user(long id) {
    return Optional.ofNullable(users.get(id));
  }

  Optional<User> userByAlias(String type, String value) {
    String key = "EMAIL".equals(type) ? value.toLowerCase() : value;
    return Optional.ofNullable(usersByAlias.get(key));
  }

  /** The user's accounts in creation order. */
  List<Account> accountsOf(User user) {
    return accounts.values().stream().filter(a -> a.owner.id() == user.id()).toList();
  }

  Optional<Account> accountByIban(String iban) {
    return Optional.ofNullable(accountsByIban.get(iban.replace(" ", "").toUpperCase()));
  }

  void addInstallation(Installation installation) {
    installationsByToken.put(installation.token(), installation);
  }

  Optional<Installation> installationByToken(String token) {
    return Optional.ofNullable(installationsByToken.get(token));
  }

  /** Records (or replaces) the device of this API key on this installation. */
  void putDevice(Device device) {
    devices.put(device.installationId() + "/" + device.apiKey(), device);
  }

  Optional<Device> device(long installationId, String apiKey) {
    return Optional.ofNullable(devices.get(installationId + "/" + apiKey));
  }

  void addSession(Session session) {
    sessionsByToken.put(session.token(), session);
  }

  /** The session for a token, expired or not. */
  Optional<Session> sessionByToken(String token) {
    return Optional.ofNullable(sessionsByToken.get(token));
  }

  void addPayment(Payment payment) {
    payments.computeIfAbsent(payment.accountId(), k -> new TreeMap<>()).put(payment.id(), payment);
  }

  /** The account's payments, ascending by id. */
  NavigableMap<Long, Payment> paymentsOf(long accountId) {
    return payments.getOrDefault(accountId, new TreeMap<>());
  }

  List<Filter> filtersOf(long userId) {
    return filtersByUser.getOrDefault(userId, List.of());
  }

  void replaceFilters(long userId, List<Filter> filters) {
    filtersByUser.put(userId, List.copyOf(filters));
  }

  /** The user-level URL filters an OAuth app set through connection {@code grantId}. */
  List<Filter> grantFiltersOf(long grantId) {
    GrantFilters set = filtersByGrant.get(grantId);
    return set == null ? List.of() : set.filters();
  }

  /** Replaces what an OAuth app set through {@code grant}; the granting user's own filters stay. */
  void replaceGrantFilters(Grant grant, List<Filter> filters) {
    restoreGrantFilters(new GrantFilters(grant.id(), grant.grantedBy().id(), filters));
  }

  void restoreGrantFilters(GrantFilters set) {
    filtersByGrant.put(set.grantId(), set);
  }

  /** The URL filters every OAuth app connected to user {@code userId} set for that user's events. */
  List<Filter> appFiltersFor(long userId) {
    List<Filter> filters = new ArrayList<>();
    for (GrantFilters set : filtersByGrant.values()) {
      if (set.userId() == userId) {
        filters.addAll(set.filters());
      }
    }
    return filters;
  }

  /** Every OAuth app's filter set, in the order first set; read-only. */
  Collection<GrantFilters> grantFilters() {
    return Collections.unmodifiableCollection(filtersByGrant.values());
  }

  /**
   * The categories of the push or e-mail notification filters ({@code kind} "push" or "email") of
   * {@code ownerId}: a user's id, or an OAuth grant's for the set its app made.
   */
  List<String> categoryFiltersOf(String kind, long ownerId) {
    return categoryFilters.getOrDefault(kind, Map.of()).getOrDefault(ownerId, List.of());
  }

  void replaceCategoryFilters(String kind, long ownerId, List<String> categories) {
    categoryFilters.computeIfAbsent(kind, k -> new HashMap<>()).put(ownerId, List.copyOf(categories));
  }

  /** A kind's push or e-mail filter categories by owner id (user or grant); read-only. */
  Map<Long, List<String>> categoryFilters(String kind) {
    return Collections.unmodifiableMap(categoryFilters.getOrDefault(kind, Map.of()));
  }

  /** The URL notification filters set on one monetary account. */
  List<Filter> accountFiltersOf(long accountId) {
    return filtersByAccount.getOrDefault(accountId, List.of());
  }

  void replaceAccountFilters(long accountId, List<Filter> filters) {
    filtersByAccount.put(accountId, List.copyOf(filters));
  }

  Instant now() {
    return Timestamps.now(clock);
  }

  private String hex(int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  // --- Read-only views for fault injection (issue #3, emu-limits) ---

  /** Every installation, in no particular order; read-only. */
  Collection<Installation> installations() {
    return Collections.unmodifiableCollection(installationsByToken.values());
  }

  /** Every device registration, in no particular order; read-only. */
  Collection<Device> devices() {
    return Collections.unmodifiableCollection(devices.values());
  }

  /** Every session, expired ones included, in no particular order; read-only. */
  Collection<Session> sessions() {
    return Collections.unmodifiableCollection(sessionsByToken.values());
  }

  // --- Snapshot and restore of a durable emulator (issue #5) ---

  /** The last id handed out. */
  long lastId() {
    return ids.get();
  }

  /** The account number behind the newest IBAN. */
  long lastAccountNumber() {
    return nextAccountNumber;
  }

  /** Every account in creation order; read-only. */
  Collection<Account> accounts() {
    return Collections.unmodifiableCollection(accounts.values());
  }

  /** Remembered ended sessions, oldest first; read-only. */
  Collection<Session> endedSessions() {
    return Collections.unmodifiableCollection(endedSessions.values());
  }

  /** Every payment, per account in id order; read-only. */
  Collection<NavigableMap<Long, Payment>> allPayments() {
    return Collections.unmodifiableCollection(payments.values());
  }

  /** User-level filters by user id; read-only. */
  Map<Long, List<Filter>> userFilters() {
    return Collections.unmodifiableMap(filtersByUser);
  }

  /** Account-level filters by account id; read-only. */
  Map<Long, List<Filter>> accountFilters() {
    return Collections.unmodifiableMap(filtersByAccount);
  }

  /** Continues the id sequence and the IBAN counter where a saved state left them. */
  void restoreCounters(long lastId, long lastAccountNumber) {
    ids.set(lastId);
    nextAccountNumber = lastAccountNumber;
  }

  /** Puts a saved user back, with its API key and aliases. */
  void restoreUser(User user) {
    users.put(user.id(), user);
    usersByApiKey.put(user.apiKey(), user);
    usersByAlias.put(user.email().toLowerCase(), user);
    usersByAlias.put(user.phone(), user);
  }

  /** Puts a saved account back. */
  void restoreAccount(Account account) {
    accounts.put(account.id, account);
    accountsByIban.put(account.iban, account);
  }

  /** Puts a saved ended session back, after the ones restored before it. */
  void restoreEndedSession(Session session) {
    endedSessions.put(session.token(), session);
  }
}
