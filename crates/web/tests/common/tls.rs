//! A certificate authority made at test time, as a Diskominfo's internal
//! CA, and the server certificate it issues for a service on loopback.

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;
use std::time::Duration;

use der::EncodePem;
use der::asn1::{Ia5String, ObjectIdentifier};
use der::pem::LineEnding;
use rand_core::{OsRng, RngCore};
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use sha2::Sha256;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

/// id-kp-serverAuth (RFC 5280).
const SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");

pub struct TestCa {
    /// The CA's certificate, as an administrator pastes it.
    pub pem: String,
    name: Name,
    key: RsaPrivateKey,
}

/// A server's certificate and key, as PEM files for its configuration.
pub struct ServerCertificate {
    pub certificate: String,
    pub key: String,
}

fn serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes[0] &= 0x7f;
    SerialNumber::new(&bytes).unwrap()
}

fn public_info(key: &RsaPrivateKey) -> SubjectPublicKeyInfoOwned {
    let der = key.to_public_key().to_public_key_der().unwrap();
    SubjectPublicKeyInfoOwned::try_from(der.as_bytes()).unwrap()
}

fn a_year() -> Validity {
    Validity::from_now(Duration::from_secs(365 * 24 * 3600)).unwrap()
}

impl TestCa {
    pub fn new(common_name: &str) -> TestCa {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).unwrap();
        let name = Name::from_str(&format!("CN={common_name},O=Pemkab Lumajang,C=ID")).unwrap();
        let signer = SigningKey::<Sha256>::new(key.clone());
        let certificate = CertificateBuilder::new(
            Profile::Root,
            serial(),
            a_year(),
            name.clone(),
            public_info(&key),
            &signer,
        )
        .unwrap()
        .build::<rsa::pkcs1v15::Signature>()
        .unwrap();
        TestCa { pem: certificate.to_pem(LineEnding::LF).unwrap(), name, key }
    }

    /// A certificate for a TLS server at 127.0.0.1 (and `localhost`).
    pub fn server(&self) -> ServerCertificate {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).unwrap();
        let signer = SigningKey::<Sha256>::new(self.key.clone());
        let profile = Profile::Leaf {
            issuer: self.name.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: true,
        };
        let subject = Name::from_str("CN=127.0.0.1,O=Pemkab Lumajang,C=ID").unwrap();
        let mut builder =
            CertificateBuilder::new(profile, serial(), a_year(), subject, public_info(&key), &signer)
                .unwrap();
        let names = vec![
            GeneralName::from(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            GeneralName::DnsName(Ia5String::new("localhost").unwrap()),
        ];
        builder.add_extension(&SubjectAltName(names)).unwrap();
        builder.add_extension(&ExtendedKeyUsage(vec![SERVER_AUTH])).unwrap();
        let certificate = builder.build::<rsa::pkcs1v15::Signature>().unwrap();
        ServerCertificate {
            certificate: certificate.to_pem(LineEnding::LF).unwrap(),
            key: der::pem::encode_string(
                "PRIVATE KEY",
                LineEnding::LF,
                key.to_pkcs8_der().unwrap().as_bytes(),
            )
            .unwrap(),
        }
    }
}
