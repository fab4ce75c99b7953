//! Mapping Redmine's wire types to domain types, at the boundary and nowhere else.

use domain::{
    Change, Journal, JournalId, Named, Principal, ProjectId, Status, StatusId, Team, Ticket,
    TicketFile, TicketId, User, UserId,
};
use url::Url;

use crate::dto::{CustomValueDto, IssueDto, JournalDetailDto, NamedDto, StatusDto, UserDto};

fn named(dto: NamedDto) -> Named {
    Named::new(dto.id, dto.name)
}

/// A user's display name as Redmine shows it by default: "Firstname Lastname".
pub(crate) fn full_name(user: &UserDto) -> String {
    format!("{} {}", user.firstname, user.lastname)
        .trim()
        .to_owned()
}

/// The user, or `None` for an id of zero (Redmine never hands one out).
pub(crate) fn user(dto: &UserDto) -> Option<User> {
    Some(User {
        id: UserId::new(dto.id).ok()?,
        login: dto.login.clone().filter(|login| !login.is_empty()),
        name: full_name(dto),
    })
}

/// A ticket's web page: `BASE/issues/N`.
pub(crate) fn ticket_url(web_base: &Url, id: TicketId) -> String {
    web_base
        .join(&format!("issues/{id}"))
        .map_or_else(|_| format!("{web_base}issues/{id}"), String::from)
}

/// The names of the issue custom fields the threader uses (adapter configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFieldNames {
    /// The field that asks for a Discord thread and then holds its link.
    pub thread: Option<String>,
    /// The field that holds the threader's state.
    pub state: Option<String>,
}

/// An issue as a ticket; `None` for an id of 0, which Redmine never hands out.
pub(crate) fn ticket(dto: IssueDto, web_base: &Url) -> Option<Ticket> {
    ticket_with_fields(dto, web_base, &IssueFieldNames::default())
}

/// A journal detail as a domain change.
fn change(detail: JournalDetailDto) -> Change {
    let id = |value: &Option<String>| value.as_deref().and_then(|text| text.trim().parse().ok());
    match (detail.property.as_str(), detail.name.as_str()) {
        ("attr", "status_id") => Change::Status {
            from: id(&detail.old_value),
            to: id(&detail.new_value),
        },
        ("attr", "assigned_to_id") => Change::Assignee {
            from: id(&detail.old_value),
            to: id(&detail.new_value),
        },
        ("attachment", file) => match (file.parse(), detail.new_value) {
            (Ok(file_id), Some(name)) => Change::Attachment { id: file_id, name },
            _ => Change::Other,
        },
        _ => Change::Other,
    }
}

/// The text value of the custom field named `name`, when it has one.
fn custom_value(fields: &[CustomValueDto], name: Option<&str>) -> Option<String> {
    let name = name?;
    let value = fields
        .iter()
        .find(|field| field.name.eq_ignore_ascii_case(name))?
        .value
        .as_ref()?
        .as_str()?
        .trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A listing's issues as tickets with the named issue custom fields, each once (a ticket
/// that moved between pages while they were read is listed twice).
pub(crate) fn listed_with_fields(
    issues: Vec<IssueDto>,
    web_base: &Url,
    names: &IssueFieldNames,
) -> Vec<Ticket> {
    let mut seen = std::collections::HashSet::new();
    issues
        .into_iter()
        .filter(|issue| seen.insert(issue.id))
        .filter_map(|issue| ticket_with_fields(issue, web_base, names))
        .collect()
}

/// An issue as a ticket, with the values of the named issue custom fields.
pub(crate) fn ticket_with_fields(
    dto: IssueDto,
    web_base: &Url,
    names: &IssueFieldNames,
) -> Option<Ticket> {
    let id = TicketId::new(dto.id).ok()?;
    let thread_field = custom_value(&dto.custom_fields, names.thread.as_deref());
    let sync_state = custom_value(&dto.custom_fields, names.state.as_deref());
    let journals = dto
        .journals
        .into_iter()
        .filter_map(|journal| {
            Some(Journal {
                id: JournalId::new(journal.id).ok()?,
                author_id: journal
                    .user
                    .as_ref()
                    .and_then(|user| UserId::new(user.id).ok()),
                author: journal
                    .user
                    .map_or_else(|| String::from("Anonymous"), |user| user.name),
                created_on: journal.created_on,
                edited: journal.updated_on.map(|updated_on| {
                    journal.updated_by.is_some() || updated_on > journal.created_on
                }),
                text: journal.notes.unwrap_or_default(),
                changes: journal.details.into_iter().map(change).collect(),
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
        project: Named::new(ProjectId::new(dto.project.id).ok()?, dto.project.name),
        category: dto.category.map(named),
        // Redmine's issue JSON does not say whether the assignee is a user or a group.
        assigned_to: dto.assigned_to.and_then(|who| {
            Some(Principal::User(User {
                id: UserId::new(who.id).ok()?,
                login: None,
                name: who.name,
            }))
        }),
        author: dto.author.name,
        created_on: dto.created_on,
        updated_on: dto.updated_on,
        url: ticket_url(web_base, id),
        journals,
        attachments: dto
            .attachments
            .into_iter()
            .filter(|file| file.id != 0)
            .map(|file| TicketFile {
                id: file.id,
                name: file.filename,
                size: file.filesize,
                content_type: file.content_type.filter(|kind| !kind.trim().is_empty()),
            })
            .collect(),
        thread_field,
        sync_state,
        due_date: dto
            .due_date
            .as_deref()
            .and_then(|day| chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()),
    })
}

/// The status, or `None` for an id of zero (Redmine never hands one out).
pub(crate) fn status(dto: StatusDto) -> Option<Status> {
    Some(Status {
        id: StatusId::new(dto.id).ok()?,
        name: dto.name,
        is_closed: dto.is_closed,
    })
}

/// The team, or `None` for an id of zero (Redmine never hands one out).
pub(crate) fn team(dto: NamedDto) -> Option<Principal> {
    Some(Principal::Team(Team {
        id: UserId::new(dto.id).ok()?,
        name: dto.name,
    }))
}
