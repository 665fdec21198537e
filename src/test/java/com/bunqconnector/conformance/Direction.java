package com.bunqconnector.conformance;

/**
 * Which way a JSON body travels. OpenAPI 3.0 lets one schema serve both ways: {@code readOnly}
 * properties appear only in responses and {@code writeOnly} ones only in requests.
 */
public enum Direction {
  /** A body the client sends; {@code readOnly} properties must not appear. */
  REQUEST,
  /** A body bunq sends; {@code writeOnly} properties must not appear. */
  RESPONSE
}
