package com.bunqconnector.callback;

/**
 * Names of the cluster-wide maps behind callbacks (Vert.x shared data: Hazelcast maps when the node is
 * clustered). Keys and values are strings, values JSON text, so that a map can be persisted as is.
 * {@link #PENDING}, {@link #DEAD_LETTERS}, {@link #DEDUPE} and {@link #TOKENS} hold what must outlive
 * the cluster (a node with durable state writes them through to its database), {@link #LEASES} must
 * not (its entries are owned by running nodes).
 */
public final class CallbackMaps {

  /**
   * Accepted events not yet acknowledged by every consumer: event id to
   * {@code {"id","tenant","user","category","eventType","objectType","seq","receivedAt","body"}}
   * ({@code body} is bunq's JSON as text; {@code addresses} is present on a replayed event), plus
   * {@code "attempts","acked"} once a delivery failed: the failed attempts so far and the addresses that
   * acknowledged, so that whichever node delivers the event next continues from there.
   */
  public static final String PENDING = "bunq.callbacks.pending";

  /**
   * Keys of accepted events (event id to receipt time in ms), each kept for the dedupe window: a time to
   * live that its database row keeps, so that after a full restart a key lives only for what remained.
   */
  public static final String DEDUPE = "bunq.callbacks.dedupe";

  /**
   * Events no consumer acknowledged after the last retry: event id to the pending entry plus
   * {@code "attempts","lastError","deadAt","addresses"} (the addresses that never acknowledged).
   */
  public static final String DEAD_LETTERS = "bunq.callbacks.dead-letters";

  /**
   * Each tenant's callback tokens: tenant id to {@code {"token","previous","previousUntil","file"}},
   * {@code file} a digest of the tenant file's token the entry came from. The first node to start puts
   * the file's token, rotation replaces it, and a node started with another token in the file makes that
   * one current. Sealed in its database rows.
   */
  public static final String TOKENS = "bunq.callbacks.tokens";

  /** Which node delivers a user's events: {@code tenant/user} to node id, with a time to live. */
  public static final String LEASES = "bunq.callbacks.leases";

  /**
   * The cluster-wide counter (not a map) that numbers accepted events in arrival order; a user's
   * events are delivered in this order. Restore it above the highest pending {@code seq} when the
   * pending map outlives the cluster.
   */
  public static final String SEQUENCE = "bunq.callbacks.seq";

  private CallbackMaps() {
  }
}
