package dev.servercore.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for a test run with Bouncy Castle (EC P-256, fast to generate): a certificate authority,
 * server certificates for {@code localhost}/{@code 127.0.0.1} and client certificates it signs, as PEM files and
 * as JDK client contexts. Nothing is checked in.
 *
 * <pre>
 * Issued ca = TestCertificates.authority("Test CA");
 * Issued server = TestCertificates.server(ca, BigInteger.ONE);
 * server.writePem(dir.resolve("tls.crt"), dir.resolve("tls.key"));
 * </pre>
 */
public final class TestCertificates {

	private TestCertificates() {
	}

	/**
	 * A certificate and its private key.
	 * @param certificate the certificate
	 * @param key its private key
	 */
	public record Issued(X509Certificate certificate, PrivateKey key) {

		/**
		 * Writes the certificate and the key (PKCS#8) as PEM files.
		 * @param certificateFile where the certificate goes
		 * @param keyFile where the key goes
		 */
		public void writePem(Path certificateFile, Path keyFile) {
			writeString(certificateFile, pem(this.certificate));
			writeString(keyFile, pem(this.key));
		}

		/**
		 * Writes the certificate alone as a PEM file (a trust anchor).
		 * @param certificateFile where it goes
		 */
		public void writeCertificate(Path certificateFile) {
			writeString(certificateFile, pem(this.certificate));
		}

		/**
		 * Returns the certificate's serial number.
		 * @return the serial
		 */
		public BigInteger serial() {
			return this.certificate.getSerialNumber();
		}

	}

	/**
	 * Makes a self-signed certificate authority.
	 * @param name its common name
	 * @return the authority
	 */
	public static Issued authority(String name) {
		KeyPair pair = keyPair();
		X500Name subject = new X500Name("CN=" + name);
		try {
			X509v3CertificateBuilder builder = builder(subject, BigInteger.valueOf(System.nanoTime()), subject,
					pair);
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			return new Issued(sign(builder, pair.getPrivate()), pair.getPrivate());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Makes a server certificate for {@code localhost} and {@code 127.0.0.1}, signed by {@code ca}.
	 * @param ca the signing authority
	 * @param serial the serial number
	 * @return the certificate
	 */
	public static Issued server(Issued ca, BigInteger serial) {
		return leaf(ca, "CN=localhost,O=servercore tests", serial, KeyPurposeId.id_kp_serverAuth);
	}

	/**
	 * Makes a client certificate signed by {@code ca}.
	 * @param ca the signing authority
	 * @param subject the subject, for example {@code CN=player-1,O=Example Game}
	 * @return the certificate
	 */
	public static Issued client(Issued ca, String subject) {
		return leaf(ca, subject, BigInteger.valueOf(System.nanoTime()), KeyPurposeId.id_kp_clientAuth);
	}

	/**
	 * Builds a JDK client context that trusts {@code trusted}, presents {@code identity} when given, and allows
	 * the given protocols only.
	 * @param trusted the authority to trust
	 * @param identity the client certificate to present, or {@code null}
	 * @return the context
	 */
	public static SSLContext clientContext(Issued trusted, Issued identity) {
		try {
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(null, null);
			trust.setCertificateEntry("ca", trusted.certificate());
			TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trust);
			KeyManagerFactory keyManagers = null;
			if (identity != null) {
				KeyStore keys = KeyStore.getInstance("PKCS12");
				keys.load(null, null);
				keys.setKeyEntry("client", identity.key(), new char[0], new Certificate[] { identity.certificate() });
				keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keyManagers.init(keys, new char[0]);
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((keyManagers != null) ? keyManagers.getKeyManagers() : null, trustManagers.getTrustManagers(),
					null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Issued leaf(Issued ca, String subject, BigInteger serial, KeyPurposeId purpose) {
		KeyPair pair = keyPair();
		try {
			X509v3CertificateBuilder builder = builder(
					X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), serial,
					new X500Name(subject), pair);
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
			return new Issued(sign(builder, ca.key()), pair.getPrivate());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static X509v3CertificateBuilder builder(X500Name issuer, BigInteger serial, X500Name subject,
			KeyPair pair) {
		Instant now = Instant.now();
		return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(Duration.ofHours(1))),
				Date.from(now.plus(Duration.ofDays(30))), subject, pair.getPublic());
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
		try {
			return new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair keyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(Object object) {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			// Keys as PKCS#8 ("PRIVATE KEY"), the form every PEM reader takes.
			writer.writeObject((object instanceof PrivateKey key) ? new JcaPKCS8Generator(key, null) : object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

	private static void writeString(Path file, String text) {
		try {
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
