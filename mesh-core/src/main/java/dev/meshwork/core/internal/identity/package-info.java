/**
 * Identity internals: JDK-only CSR writing ({@link dev.meshwork.core.internal.identity.Csr},
 * {@link dev.meshwork.core.internal.identity.Der}), the CA client, immutable certificate
 * snapshots swapped under reloadable key/trust managers, PEM files, and the renewal loop. Not API.
 */
package dev.meshwork.core.internal.identity;
