# Run by scripts/redmine/start.sh through `bundle exec rails runner` (one boot).
# Idempotent: enables the REST API, requires login, allows group assignment,
# makes sure default data exists and gives the admin user a known API key.
key = ENV.fetch('REDMINE_ADMIN_KEY')
raise 'REDMINE_ADMIN_KEY must be 40 lowercase hex chars' unless key =~ /\A[0-9a-f]{40}\z/

if Tracker.count == 0 || IssueStatus.count == 0 || IssuePriority.count == 0
  puts 'configure.rb: loading default data (en)'
  Redmine::DefaultData::Loader.load('en')
end

Setting.rest_api_enabled = '1'
# No notification mails: their background jobs read SQLite while the API writes, and under
# the contract tests' load that ends in "database is locked" (HTTP 500).
Setting.notified_events = []
Setting.login_required = '1'
Setting.issue_group_assignment = '1'

admin = User.find_by(login: 'admin') or raise 'no admin user'
admin.status = User::STATUS_ACTIVE
admin.admin = true
admin.must_change_passwd = false # else HTTP Basic auth with the key answers 403
admin.save!(validate: false)

tok = Token.find_by(user_id: admin.id, action: 'api')
if tok.nil? || tok.value != key
  Token.where(user_id: admin.id, action: 'api').delete_all
  Token.where(action: 'api', value: key).where.not(user_id: admin.id).delete_all
  # Token's before_create callback generates a random value: overwrite it.
  Token.create!(user: admin, action: 'api').update_column(:value, key)
end

puts "configure.rb: redmine #{Redmine::VERSION} ok; trackers=#{Tracker.count} " \
     "statuses=#{IssueStatus.pluck(:name).join('/')} admin_id=#{admin.id}"

# The user custom field that maps Redmine users to Discord members (netbot's /link writes it).
discord = UserCustomField.find_or_initialize_by(name: 'Discord ID')
if discord.new_record?
  discord.field_format = 'string'
  discord.visible = true
  discord.editable = false
  discord.regexp = '\A\d{15,21}\z'
  discord.save!
  puts "configure.rb: created user custom field 'Discord ID' (id #{discord.id})"
end

# The threader's two issue custom fields (see ports/src/threader.rs): "Discord thread" asks for
# a thread ("yes") and then holds its link; "Discord sync" holds the threader's marks. Both
# for all projects and trackers and usable as filters, so that `cf_N=*` lists the tickets.
# Redmine 5.0 refuses a non-visible field without roles ("Roles cannot be blank"), so
# "Discord sync" is visible to one role that cannot be given to anyone: admins only, and
# members never see its journals.
hidden = Role.find_or_initialize_by(name: 'netbot: admins only')
if hidden.new_record?
  hidden.assignable = false
  hidden.permissions = []
  hidden.save!
  puts "configure.rb: created role '#{hidden.name}' (id #{hidden.id}), assignable to nobody"
end
{
  'Discord thread' => { roles: nil, description: "Set to 'yes' for a Discord thread; netbot's threader then keeps the thread's link here." },
  'Discord sync' => { roles: [hidden.id], description: "netbot's threader: what it has synced (do not edit)." }
}.each do |name, wanted|
  field = IssueCustomField.find_or_initialize_by(name: name)
  created = field.new_record?
  if created
    field.field_format = 'string'
    field.description = wanted[:description]
  end
  field.is_for_all = true
  field.is_filter = true
  field.searchable = false
  field.visible = wanted[:roles].nil?
  field.role_ids = wanted[:roles] || []
  field.tracker_ids = Tracker.pluck(:id)
  field.save!
  puts "configure.rb: #{created ? 'created' : 'checked'} issue custom field '#{name}' (id #{field.id})"
end
