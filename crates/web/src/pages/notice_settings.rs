//! Akun → Cara pemberitahuan: per kind of notice and per channel (e-mail,
//! the agency's message gateway), at once, in the daily digest or off; the
//! digest's time of day, and the person's own phone number and chat id.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use engine::notice::NoticeKind;
use maud::html;
use store::mail::Channel;
use store::notice_delivery::{Delivery, NoticeChoices, NoticeChoicesInput};

use crate::AppState;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{Said, Saved, settings_page};

pub(crate) fn kind_label(kind: NoticeKind) -> Msg {
    match kind {
        NoticeKind::Task => Msg::KindTask,
        NoticeKind::Letter => Msg::KindLetter,
        NoticeKind::Late => Msg::KindLate,
        NoticeKind::Progress => Msg::KindProgress,
        NoticeKind::Finished => Msg::KindFinished,
        NoticeKind::Oversight => Msg::KindOversight,
    }
}

fn channel_label(channel: Channel) -> Msg {
    match channel {
        Channel::Email => Msg::ChannelEmail,
        Channel::Gateway => Msg::ChannelGateway,
    }
}

fn delivery_label(delivery: Delivery) -> Msg {
    match delivery {
        Delivery::AtOnce => Msg::DeliveryAtOnce,
        Delivery::Digest => Msg::DeliveryDigest,
        Delivery::Off => Msg::DeliveryOff,
    }
}

/// The form's name for a kind on a channel.
fn field(kind: NoticeKind, channel: Channel) -> String {
    format!("{}.{}", kind.code(), channel.code())
}

async fn render(
    state: &AppState,
    user: &User,
    shown: &NoticeChoices,
    said: Option<Said>,
) -> Result<Response, WebError> {
    let gateway = state.store.message_gateway(user.agency_id()).await?.is_some();
    let (email, mail_on) = state.store.mail_preference(user.agency_id(), user.person()).await?;
    let body = html! {
        form.card method="post" action="/akun/notifikasi" {
            input type="hidden" name="csrf" value=(user.csrf);
            p.muted { (user.t(Msg::NoticeSettingsHelp)) }
            table {
                thead { tr {
                    th { (user.t(Msg::NoticeKindCol)) }
                    @for channel in Channel::ALL { th { (user.t(channel_label(channel))) } }
                } }
                tbody {
                    @for kind in NoticeKind::ALL {
                        tr {
                            td { (user.t(kind_label(kind))) }
                            @for channel in Channel::ALL {
                                @let name = field(kind, channel);
                                td {
                                    select name=(name) aria-label={(user.t(kind_label(kind))) " — " (user.t(channel_label(channel)))} {
                                        @for d in Delivery::ALL {
                                            option value=(d.code()) selected[shown.delivery(kind, channel) == d] { (user.t(delivery_label(d))) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !gateway { p.muted { (user.t(Msg::GatewayMissingForPerson)) } }
            @if email.is_none() || !mail_on {
                p.muted { (user.t(Msg::MailOffForPerson)) " " a href="/akun/email" { (user.t(Msg::MailSettings)) } }
            }
            label for="jam" { (user.t(Msg::DigestTime)) }
            input #jam type="time" name="jam" value=(shown.digest_time()) required;
            label for="telepon" { (user.t(Msg::Phone)) }
            input #telepon type="tel" name="telepon" maxlength="24" value=(shown.phone.clone().unwrap_or_default());
            label for="chat_id" { (user.t(Msg::ChatId)) }
            input #chat_id type="text" name="chat_id" maxlength="64" value=(shown.chat_id.clone().unwrap_or_default());
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    Ok(settings_page(user, Msg::NoticeSettings, ("/akun", Msg::NavAccount), said.as_ref(), body))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(saved): Query<Saved>,
) -> Result<Response, WebError> {
    let choices = state.store.notice_choices(user.agency_id(), user.person()).await?;
    render(&state, &user, &choices, saved.said(&user)).await
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let text = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut input = NoticeChoicesInput {
        chosen: Vec::new(),
        digest_time: text("jam"),
        phone: text("telepon"),
        chat_id: text("chat_id"),
    };
    // What the person sees again if something is refused.
    let mut typed = state.store.notice_choices(user.agency_id(), user.person()).await?;
    typed.phone = Some(input.phone.clone());
    typed.chat_id = Some(input.chat_id.clone());
    for kind in NoticeKind::ALL {
        for channel in Channel::ALL {
            let name = field(kind, channel);
            let delivery = match form.get(&name) {
                None => Delivery::default_for(channel),
                Some(code) => match Delivery::from_code(code) {
                    Some(d) => d,
                    None => {
                        let why = format!(
                            "{} — {}: {} \"{code}\"",
                            user.t(kind_label(kind)),
                            user.t(channel_label(channel)),
                            user.t(Msg::UnknownChoice)
                        );
                        return render(&state, &user, &typed, Some((false, why))).await;
                    }
                },
            };
            typed.chosen.insert((kind, channel), delivery);
            if delivery != Delivery::default_for(channel) {
                input.chosen.push((kind, channel, delivery));
            }
        }
    }
    match state.store.save_notice_choices(user.agency_id(), user.person(), &input).await {
        Ok(_) => Ok(Redirect::to("/akun/notifikasi?ok=1").into_response()),
        Err(store::StoreError::Engine(e)) => {
            render(&state, &user, &typed, Some((false, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}
