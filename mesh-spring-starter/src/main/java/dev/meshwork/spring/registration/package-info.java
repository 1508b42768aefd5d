/** Registration of the application's listening ports with the control plane's registry. */
package dev.meshwork.spring.registration;
