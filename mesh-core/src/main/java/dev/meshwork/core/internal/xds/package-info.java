/** Contracts between the xDS client and the resource parsers. */
package dev.meshwork.core.internal.xds;
