//! Mapping Redmine's wire types to domain types, at the boundary and nowhere else.

use domain::{Journal, Named, Principal, Status, Team, Ticket, TicketId, User};
use url::Url;

use crate::dto::{IssueDto, NamedDto, StatusDto, UserDto};

fn named(dto: NamedDto) -> Named {
    Named::new(dto.id, dto.name)
}

/// A user's display name as Redmine shows it by default: "Firstname Lastname".
pub(crate) fn full_name(user: &UserDto) -> String {
    format!("{} {}", user.firstname, user.lastname)
        .trim()
        .to_owned()
}

pub(crate) fn user(dto: &UserDto) -> User {
    User {
        id: dto.id,
        login: dto.login.clone().filter(|login| !login.is_empty()),
        name: full_name(dto),
    }
}

/// A ticket's web page: `BASE/issues/N`.
pub(crate) fn ticket_url(web_base: &Url, id: TicketId) -> String {
    web_base
        .join(&format!("issues/{id}"))
        .map_or_else(|_| format!("{web_base}issues/{id}"), String::from)
}

/// An issue as a ticket; `None` for an id of 0, which Redmine never hands out.
pub(crate) fn ticket(dto: IssueDto, web_base: &Url) -> Option<Ticket> {
    let id = TicketId::new(dto.id).ok()?;
    let notes = dto
        .journals
        .into_iter()
        .filter_map(|journal| {
            let text = journal.notes.filter(|notes| !notes.trim().is_empty())?;
            Some(Journal {
                id: journal.id,
                author: journal
                    .user
                    .map_or_else(|| String::from("Anonymous"), |user| user.name),
                created_on: journal.created_on,
                text,
            })
        })
        .collect();
    Some(Ticket {
        id,
        subject: dto.subject,
        description: dto.description.unwrap_or_default(),
        status: named(dto.status),
        priority: named(dto.priority),
        tracker: named(dto.tracker),
        project: named(dto.project),
        // Redmine's issue JSON does not say whether the assignee is a user or a group.
        assigned_to: dto.assigned_to.map(|who| {
            Principal::User(User {
                id: who.id,
                login: None,
                name: who.name,
            })
        }),
        author: dto.author.name,
        created_on: dto.created_on,
        updated_on: dto.updated_on,
        url: ticket_url(web_base, id),
        notes,
    })
}

pub(crate) fn status(dto: StatusDto) -> Status {
    Status {
        id: dto.id,
        name: dto.name,
        is_closed: dto.is_closed,
    }
}

pub(crate) fn team(dto: NamedDto) -> Principal {
    Principal::Team(Team {
        id: dto.id,
        name: dto.name,
    })
}
